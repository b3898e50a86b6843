/**
 * Microsoft Graph v1.0 as the fake answers it: users, groups, members, manager, delta and $batch,
 * with Graph's paging, query options, error bodies and permission checks. Transport-free: the HTTP
 * server and `$batch` both call `handle()`.
 */
import { randomUUID } from 'crypto';

import { Faults, RequestLog } from './faults';
import {
  buildQuery,
  decodeToken,
  encodeToken,
  filterProperties,
  idsOfFilter,
  isAdvancedFilter,
  matchesFilter,
  matchesSearch,
  ODataError,
  parseFilter,
  parseSearch,
  parseSelect,
  queryOption,
  type FilterNode,
  type SearchExpression,
} from './odata';
import type { FakeGroup, FakeOther, FakeUser, GraphStore } from './store';

export type Permission = 'User.Read.All' | 'GroupMember.Read.All' | 'Group.Read.All';
export const ALL_PERMISSIONS: Permission[] = [
  'User.Read.All',
  'GroupMember.Read.All',
  'Group.Read.All',
];

export type ApiRequest = {
  method: string;
  /** Path after `/v1.0/`, without the query, e.g. `users/delta`. */
  path: string;
  query: URLSearchParams;
  /** Lower-cased header names. */
  headers: Record<string, string | undefined>;
  body: unknown;
  /** `https://localhost:PORT`. */
  origin: string;
  /** The absolute URL as requested. */
  url: string;
};

export type ApiResponse = {
  status: number;
  headers: Record<string, string>;
  /** A JSON value, or a string for text/plain. */
  body: unknown;
};

export const JSON_TYPE =
  'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';

export const DEFAULT_USER_FIELDS = [
  'businessPhones',
  'displayName',
  'givenName',
  'jobTitle',
  'mail',
  'mobilePhone',
  'officeLocation',
  'preferredLanguage',
  'surname',
  'userPrincipalName',
  'id',
];

/** User properties Graph returns only when `$select`ed. */
const SELECT_ONLY_USER_FIELDS = [
  'accountEnabled',
  'department',
  'employeeId',
  'employeeType',
  'userType',
  'companyName',
  'createdDateTime',
  'deletedDateTime',
  'city',
  'country',
  'state',
  'streetAddress',
  'postalCode',
  'usageLocation',
  'mailNickname',
  'onPremisesSamAccountName',
  'onPremisesImmutableId',
  'onPremisesSyncEnabled',
  'employeeHireDate',
  'externalUserState',
  'creationType',
  'ageGroup',
  'faxNumber',
  'otherMails',
  'proxyAddresses',
  'identities',
  'showInAddressList',
];
const USER_FIELDS = new Set([...DEFAULT_USER_FIELDS, ...SELECT_ONLY_USER_FIELDS]);
const USER_ARRAY_FIELDS = new Set(['businessPhones', 'otherMails', 'proxyAddresses', 'identities']);
const USER_FILTER_FIELDS = new Set([
  'id',
  'accountEnabled',
  'displayName',
  'givenName',
  'surname',
  'mail',
  'userPrincipalName',
  'userType',
  'department',
  'jobTitle',
  'employeeId',
  'officeLocation',
  'companyName',
  'employeeType',
]);

export const DEFAULT_GROUP_FIELDS = [
  'id',
  'deletedDateTime',
  'classification',
  'createdDateTime',
  'creationOptions',
  'description',
  'displayName',
  'expirationDateTime',
  'groupTypes',
  'isAssignableToRole',
  'mail',
  'mailEnabled',
  'mailNickname',
  'membershipRule',
  'membershipRuleProcessingState',
  'onPremisesDomainName',
  'onPremisesLastSyncDateTime',
  'onPremisesNetBiosName',
  'onPremisesSamAccountName',
  'onPremisesSecurityIdentifier',
  'onPremisesSyncEnabled',
  'preferredDataLocation',
  'preferredLanguage',
  'proxyAddresses',
  'renewedDateTime',
  'resourceBehaviorOptions',
  'resourceProvisioningOptions',
  'securityEnabled',
  'securityIdentifier',
  'theme',
  'visibility',
  'onPremisesProvisioningErrors',
  'serviceProvisioningErrors',
];
const GROUP_FIELDS = new Set(DEFAULT_GROUP_FIELDS);
const GROUP_ARRAY_FIELDS = new Set([
  'creationOptions',
  'groupTypes',
  'proxyAddresses',
  'resourceBehaviorOptions',
  'resourceProvisioningOptions',
  'onPremisesProvisioningErrors',
  'serviceProvisioningErrors',
]);
const GROUP_FILTER_FIELDS = new Set([
  'id',
  'displayName',
  'description',
  'mail',
  'mailNickname',
  'mailEnabled',
  'securityEnabled',
]);
const DEVICE_FIELDS = [
  'id',
  'deletedDateTime',
  'accountEnabled',
  'approximateLastSignInDateTime',
  'deviceId',
  'displayName',
  'operatingSystem',
  'operatingSystemVersion',
  'trustType',
];
const SERVICE_PRINCIPAL_FIELDS = [
  'id',
  'deletedDateTime',
  'accountEnabled',
  'appDisplayName',
  'appId',
  'displayName',
  'servicePrincipalType',
  'tags',
];
const DIRECTORY_OBJECT_FIELDS = new Set([
  ...USER_FIELDS,
  ...GROUP_FIELDS,
  ...DEVICE_FIELDS,
  ...SERVICE_PRINCIPAL_FIELDS,
]);

const TYPE = {
  user: '#microsoft.graph.user',
  group: '#microsoft.graph.group',
  device: '#microsoft.graph.device',
  servicePrincipal: '#microsoft.graph.servicePrincipal',
} as const;

type UsersDeltaToken = { k: 'users' | 'groups'; e: number; s: number; sel: string[] | null };
type PageToken = UsersDeltaToken & { u: number; o: number };
type GroupEntry = {
  id: string;
  removed?: boolean;
  members?: Array<{ id: string; removed: boolean }>;
};

/** Graph's error body. */
export const graphError = (
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {}
): ApiResponse => ({
  status,
  headers: { 'Content-Type': 'application/json', ...headers },
  body: {
    error: {
      code,
      message,
      innerError: {
        date: new Date().toISOString().replace(/\.\d{3}Z$/, ''),
        'request-id': randomUUID(),
        'client-request-id': randomUUID(),
      },
    },
  },
});

const ok = (body: unknown, headers: Record<string, string> = {}): ApiResponse => ({
  status: 200,
  headers: { 'Content-Type': JSON_TYPE, ...headers },
  body,
});

const FAULT_ERRORS: Record<number, [string, string]> = {
  429: ['TooManyRequests', 'Please retry again later.'],
  500: ['generalException', 'An unspecified error has occurred.'],
  502: ['badGateway', 'Bad gateway.'],
  503: ['serviceNotAvailable', 'The service is temporarily unavailable. Please retry later.'],
  504: ['gatewayTimeout', 'The gateway timed out.'],
  400: ['BadRequest', 'Invalid request.'],
  403: ['Authorization_RequestDenied', 'Insufficient privileges to complete the operation.'],
  404: ['Request_ResourceNotFound', 'Resource does not exist.'],
};

/** A status fault as Graph would answer it (for the HTTP layer and `$batch` items alike). */
export const faultResponse = (status: number, retryAfter: number | string | null | undefined) => {
  const [code, message] = FAULT_ERRORS[status] ?? ['UnknownError', 'Unknown error.'];
  const value = retryAfter === undefined ? (status === 429 ? '1' : null) : retryAfter;
  return graphError(status, code, message, value === null ? {} : { 'Retry-After': String(value) });
};

export type GraphApiOptions = {
  store: GraphStore;
  faults: Faults;
  log: RequestLog;
  permissions: Set<Permission>;
  /** Members per `members@delta` chunk in groups delta (a big group repeats across entries). */
  deltaMemberChunk: number;
  /** Switches a test flips while the fake runs. `refuseCount`: every `$count` answers 403. */
  switches: { refuseCount: boolean };
};

export class GraphApi {
  private readonly roundCache = new Map<string, string[] | GroupEntry[]>();

  constructor(private readonly options: GraphApiOptions) {}

  private get store() {
    return this.options.store;
  }

  /** Answers one Graph request (already authenticated). */
  handle(request: ApiRequest, batched = false): ApiResponse {
    const pathAndQuery = `/v1.0/${request.path}${request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : ''}`;
    if (batched) {
      const fault = this.options.faults.take(pathAndQuery, (kind) => typeof kind === 'number');
      if (fault && typeof fault.kind === 'number')
        return faultResponse(fault.kind, fault.retryAfter);
    }
    try {
      return this.route(request);
    } catch (error) {
      if (error instanceof ODataError) return graphError(error.status, error.code, error.message);
      throw error;
    }
  }

  private route(request: ApiRequest): ApiResponse {
    const segments = request.path.split('/').filter(Boolean).map(decodeURIComponent);
    const [root, id, relation, cast, extra] = segments;
    if (request.method === 'POST' && root === '$batch' && segments.length === 1) {
      return this.batch(request);
    }
    if (request.method !== 'GET') {
      return graphError(405, 'Request_BadRequest', 'The fake Graph server only reads.');
    }
    if (root === 'users') {
      const denied = this.require(['User.Read.All']);
      if (denied) return denied;
      if (id === undefined) return this.listUsers(request);
      if (id === 'delta' && relation === undefined) return this.usersDelta(request);
      if (id === '$count' && relation === undefined) return this.listUsers(request, true);
      const user = this.store.findUser(id);
      if (!user) return notFound(id);
      if (relation === undefined) return this.oneUser(request, user);
      if (relation === 'manager' && cast === undefined) return this.manager(request, user);
      if ((relation === 'memberOf' || relation === 'transitiveMemberOf') && extra === undefined) {
        const groupDenied = this.requireGroups();
        if (groupDenied) return groupDenied;
        const ids =
          relation === 'memberOf'
            ? this.store.memberOfGroups(user.id)
            : this.store.transitiveMemberOf(user.id);
        return this.objects(request, ids, cast);
      }
      return unknownSegment(relation);
    }
    if (root === 'groups') {
      const denied = this.requireGroups();
      if (denied) return denied;
      if (id === undefined) return this.listGroups(request);
      if (id === 'delta' && relation === undefined) return this.groupsDelta(request);
      if (id === '$count' && relation === undefined) return this.listGroups(request, true);
      const group = this.store.groups.get(id);
      if (!group) return notFound(id);
      if (relation === undefined) return this.oneGroup(request, group);
      // `.../members/$count`, `.../transitiveMembers/microsoft.graph.user/$count`: a raw count.
      const counting = (cast === '$count' && extra === undefined) || extra === '$count';
      const typeCast = cast === '$count' ? undefined : cast;
      if (extra !== undefined && !counting) return unknownSegment(extra);
      const related =
        relation === 'members'
          ? this.store.members(group.id)
          : relation === 'transitiveMembers'
            ? this.store.transitiveMembers(group.id)
            : relation === 'memberOf'
              ? this.store.memberOfGroups(group.id)
              : relation === 'transitiveMemberOf'
                ? this.store.transitiveMemberOf(group.id)
                : null;
      if (!related) return unknownSegment(relation);
      return this.objects(request, related, typeCast, counting);
    }
    return unknownSegment(root ?? '');
  }

  // ----- permissions ------------------------------------------------------------------------

  private require(needed: Permission[]): ApiResponse | null {
    return needed.every((permission) => this.options.permissions.has(permission))
      ? null
      : insufficientPrivileges();
  }

  private requireGroups(): ApiResponse | null {
    const { permissions } = this.options;
    return permissions.has('GroupMember.Read.All') || permissions.has('Group.Read.All')
      ? null
      : insufficientPrivileges();
  }

  // ----- users ------------------------------------------------------------------------------

  private listUsers(request: ApiRequest, counting = false): ApiResponse {
    const refused = counting ? this.countRefusal(request) : null;
    if (refused) return refused;
    const select = this.select(request, USER_FIELDS, 'user');
    const expandManager = this.expand(request);
    const query = this.advancedQuery(request, USER_FILTER_FIELDS, 'User', counting);
    let users: FakeUser[];
    const ids = query.filter ? idsOfFilter(query.filter) : null;
    if (ids) {
      users = ids.map((id) => this.store.findUser(id)).filter((user): user is FakeUser => !!user);
    } else {
      users = this.store.listUsers();
      if (query.filter || query.search)
        users = users.filter((user) => query.test(userReader(user)));
    }
    if (counting) return rawCount(users.length);
    if (query.orderBy) users = sortBy(users, query.orderBy, (user) => userReader(user));
    return this.collection(
      request,
      users,
      (user) => this.renderUser(user, select, expandManager),
      this.context(request, 'users', select),
      { count: query.count, maxTop: expandManager ? 100 : 999 }
    );
  }

  private oneUser(request: ApiRequest, user: FakeUser): ApiResponse {
    const select = this.select(request, USER_FIELDS, 'user');
    const expandManager = this.expand(request);
    return ok({
      '@odata.context': `${this.context(request, 'users', select)}/$entity`,
      ...this.renderUser(user, select, expandManager),
    });
  }

  private manager(request: ApiRequest, user: FakeUser): ApiResponse {
    const manager = user.managerId ? this.store.findUser(user.managerId) : undefined;
    if (!manager) {
      return graphError(
        404,
        'Request_ResourceNotFound',
        "Resource 'manager' does not exist or one of its queried reference-property objects are not present."
      );
    }
    const select = this.select(request, USER_FIELDS, 'user');
    return ok({
      '@odata.context': `${request.origin}/v1.0/$metadata#directoryObjects/$entity`,
      '@odata.type': TYPE.user,
      ...this.renderUser(manager, select, false),
    });
  }

  private renderUser(user: FakeUser, select: string[] | null, expandManager: boolean) {
    const result = projectUser(user, select ?? DEFAULT_USER_FIELDS);
    if (expandManager) {
      const manager = user.managerId ? this.store.findUser(user.managerId) : undefined;
      if (manager) result.manager = { '@odata.type': TYPE.user, id: manager.id };
    }
    return result;
  }

  // ----- groups and members ------------------------------------------------------------------

  private listGroups(request: ApiRequest, counting = false): ApiResponse {
    const refused = counting ? this.countRefusal(request) : null;
    if (refused) return refused;
    const select = this.select(request, GROUP_FIELDS, 'group');
    const query = this.advancedQuery(request, GROUP_FILTER_FIELDS, 'Group', counting);
    let groups: FakeGroup[];
    const ids = query.filter ? idsOfFilter(query.filter) : null;
    if (ids) {
      groups = ids
        .map((id) => this.store.groups.get(id))
        .filter((group): group is FakeGroup => !!group);
    } else {
      groups = this.store.listGroups();
      if (query.filter || query.search)
        groups = groups.filter((group) => query.test(groupReader(group)));
    }
    if (counting) return rawCount(groups.length);
    if (query.orderBy) groups = sortBy(groups, query.orderBy, (group) => groupReader(group));
    return this.collection(
      request,
      groups,
      (group) => projectGroup(group, select ?? DEFAULT_GROUP_FIELDS),
      this.context(request, 'groups', select),
      { count: query.count, maxTop: 999 }
    );
  }

  private oneGroup(request: ApiRequest, group: FakeGroup): ApiResponse {
    const select = this.select(request, GROUP_FIELDS, 'group');
    return ok({
      '@odata.context': `${this.context(request, 'groups', select)}/$entity`,
      ...projectGroup(group, select ?? DEFAULT_GROUP_FIELDS),
    });
  }

  /**
   * A directoryObject collection (members, memberOf...), optionally cast to users or groups, or
   * its raw count (`counting`: the `$count` segment).
   */
  private objects(
    request: ApiRequest,
    ids: string[],
    cast: string | undefined,
    counting = false
  ): ApiResponse {
    const refused = counting ? this.countRefusal(request) : null;
    if (refused) return refused;
    let kind: 'user' | 'group' | null = null;
    if (cast === 'microsoft.graph.user') kind = 'user';
    else if (cast === 'microsoft.graph.group') kind = 'group';
    else if (cast !== undefined) return unknownSegment(cast);
    const fields =
      kind === 'user' ? USER_FIELDS : kind === 'group' ? GROUP_FIELDS : DIRECTORY_OBJECT_FIELDS;
    const select = this.select(request, fields, kind ?? 'directoryObject');
    const query = this.advancedQuery(
      request,
      kind === 'group' ? GROUP_FILTER_FIELDS : USER_FILTER_FIELDS,
      kind === 'group' ? 'Group' : 'User',
      counting
    );
    let selected = ids;
    if (kind) selected = selected.filter((id) => this.store.object(id)?.kind === kind);
    if (query.filter || query.search) {
      selected = selected.filter((id) => {
        const object = this.store.object(id);
        if (!object) return false;
        if (object.kind === 'user') return query.test(userReader(object.user));
        if (object.kind === 'group') return query.test(groupReader(object.group));
        return false;
      });
    }
    if (counting) return rawCount(selected.length);
    const canReadUsers = this.options.permissions.has('User.Read.All');
    return this.collection(
      request,
      selected,
      (id) => this.renderObject(id, select, kind === null, canReadUsers),
      this.context(
        request,
        kind === 'group' ? 'groups' : kind === 'user' ? 'users' : 'directoryObjects',
        select
      ),
      { count: query.count, maxTop: 999 }
    );
  }

  private renderObject(
    id: string,
    select: string[] | null,
    withType: boolean,
    canReadUsers: boolean
  ): Record<string, unknown> {
    const object = this.store.object(id);
    if (!object) return { '@odata.type': '#microsoft.graph.directoryObject', id };
    const type = { '@odata.type': TYPE[object.kind] };
    if (object.kind === 'user') {
      // Objects the app may not read come back with only their type and id.
      if (!canReadUsers) return { ...type, id };
      return {
        ...(withType ? type : {}),
        ...projectUser(object.user, select ?? DEFAULT_USER_FIELDS),
      };
    }
    if (object.kind === 'group') {
      return {
        ...(withType ? type : {}),
        ...projectGroup(object.group, select ?? DEFAULT_GROUP_FIELDS),
      };
    }
    return { ...type, ...projectOther(object.other, select) };
  }

  // ----- delta ------------------------------------------------------------------------------

  private usersDelta(request: ApiRequest): ApiResponse {
    const round = this.deltaRound(request, 'users');
    if ('status' in round) return round;
    const { token, pageSize } = round;
    const ids = this.cachedRound(token, () =>
      token.s < 0
        ? this.store.listUsers().map((user) => user.id)
        : this.store.userChanges(token.s, token.u)
    ) as string[];
    const select = (token.sel ?? DEFAULT_USER_FIELDS).filter((name) => name !== 'manager');
    const withManager = token.sel?.includes('manager') ?? false;
    const value = ids.slice(token.o, token.o + pageSize).map((id) => {
      const user = this.store.users.get(id);
      if (!user) return { id, '@removed': { reason: 'deleted' } };
      if (user.deletedDateTime !== null) return { id, '@removed': { reason: 'changed' } };
      const item: Record<string, unknown> = projectUser(user, select);
      if (withManager) {
        const change = this.store.managerChanges.get(id);
        const changed =
          token.s < 0 || (change !== undefined && change.seq > token.s && change.seq <= token.u);
        if (changed && user.managerId) {
          item['manager@delta'] = [{ '@odata.type': TYPE.user, id: user.managerId }];
        } else if (changed && token.s >= 0 && change?.previous) {
          item['manager@delta'] = [
            { '@odata.type': TYPE.user, id: change.previous, '@removed': { reason: 'deleted' } },
          ];
        }
      }
      return item;
    });
    return this.deltaPage(request, 'users', token, ids.length, pageSize, value, round.preference);
  }

  private groupsDelta(request: ApiRequest): ApiResponse {
    const round = this.deltaRound(request, 'groups');
    if ('status' in round) return round;
    const { token, pageSize } = round;
    const withMembers = token.sel?.includes('members') ?? false;
    const chunk = this.options.deltaMemberChunk;
    const entries = this.cachedRound(token, () => {
      const result: GroupEntry[] = [];
      const push = (id: string, members: Array<{ id: string; removed: boolean }>) => {
        if (!withMembers || members.length === 0) {
          result.push({ id, members: [] });
          return;
        }
        for (let start = 0; start < members.length; start += chunk) {
          result.push({ id, members: members.slice(start, start + chunk) });
        }
      };
      if (token.s < 0) {
        for (const group of this.store.listGroups()) {
          push(
            group.id,
            this.store.members(group.id).map((id) => ({ id, removed: false }))
          );
        }
        return result;
      }
      for (const id of this.store.groupChanges(token.s, token.u)) {
        if (!this.store.groups.has(id)) {
          result.push({ id, removed: true });
          continue;
        }
        const changes = [...this.store.memberChanges(id, token.s, token.u)].map(
          ([member, removed]) => ({
            id: member,
            removed,
          })
        );
        push(id, changes);
      }
      return result;
    }) as GroupEntry[];
    const select = (token.sel ?? DEFAULT_GROUP_FIELDS).filter((name) => name !== 'members');
    const value = entries.slice(token.o, token.o + pageSize).map((entry) => {
      const group = this.store.groups.get(entry.id);
      if (entry.removed || !group) return { id: entry.id, '@removed': { reason: 'deleted' } };
      const item: Record<string, unknown> = projectGroup(group, select);
      if (withMembers && entry.members && entry.members.length > 0) {
        item['members@delta'] = entry.members.map((member) => ({
          '@odata.type': this.typeOf(member.id),
          id: member.id,
          ...(member.removed ? { '@removed': { reason: 'deleted' } } : {}),
        }));
      }
      return item;
    });
    return this.deltaPage(
      request,
      'groups',
      token,
      entries.length,
      pageSize,
      value,
      round.preference
    );
  }

  /** Works out which delta round and page a request asks for, or the error to answer. */
  private deltaRound(
    request: ApiRequest,
    kind: 'users' | 'groups'
  ): { token: PageToken; pageSize: number; preference: string | null } | ApiResponse {
    for (const option of ['$top', '$expand', '$orderby', '$filter', '$search']) {
      if (queryOption(request.query, option) !== null) {
        return graphError(
          400,
          'Request_UnsupportedQuery',
          `The query option '${option}' is not supported with delta queries on ${kind}.`
        );
      }
    }
    const preferHeader = request.headers.prefer ?? '';
    const preferMatch = /odata\.maxpagesize=(\d+)/i.exec(preferHeader);
    const pageSize = preferMatch ? Math.min(999, Math.max(1, Number(preferMatch[1]))) : 100;
    const preference = preferMatch ? `odata.maxpagesize=${pageSize}` : null;
    const store = this.store;
    const skip = queryOption(request.query, '$skiptoken');
    const delta = queryOption(request.query, '$deltatoken');
    const expired = () =>
      graphError(
        410,
        'syncStateNotFound',
        'The sync state generation is not found or has expired. Please restart the sync with a full synchronization.'
      );
    if (skip !== null) {
      const token = decodeToken<PageToken>(skip);
      if (!token || token.k !== kind || token.e !== store.epoch) return expired();
      return { token, pageSize, preference };
    }
    if (delta !== null) {
      if (delta === 'latest') {
        const sel = this.deltaSelect(request, kind);
        const link: UsersDeltaToken = { k: kind, e: store.epoch, s: store.seq, sel };
        return ok({
          '@odata.context': this.context(request, kind, sel),
          '@odata.deltaLink': `${request.origin}/v1.0/${kind}/delta${buildQuery([['$deltatoken', encodeToken(link)]])}`,
          value: [],
        });
      }
      const token = decodeToken<UsersDeltaToken>(delta);
      if (!token || token.k !== kind || token.e !== store.epoch || token.s > store.seq)
        return expired();
      return { token: { ...token, u: store.seq, o: 0 }, pageSize, preference };
    }
    const sel = this.deltaSelect(request, kind);
    return {
      token: { k: kind, e: store.epoch, s: -1, u: store.seq, sel, o: 0 },
      pageSize,
      preference,
    };
  }

  private deltaSelect(request: ApiRequest, kind: 'users' | 'groups'): string[] | null {
    const fields = new Set([
      ...(kind === 'users' ? USER_FIELDS : GROUP_FIELDS),
      kind === 'users' ? 'manager' : 'members',
    ]);
    return this.select(request, fields, kind === 'users' ? 'user' : 'group');
  }

  private deltaPage(
    request: ApiRequest,
    kind: 'users' | 'groups',
    token: PageToken,
    total: number,
    pageSize: number,
    value: unknown[],
    preference: string | null
  ): ApiResponse {
    const body: Record<string, unknown> = {
      '@odata.context': this.context(request, kind, token.sel),
    };
    const end = token.o + pageSize;
    if (end < total || this.options.faults.repeatsNextLink(`/v1.0/${kind}/delta`)) {
      const link =
        this.options.faults.repeatsNextLink(`/v1.0/${kind}/delta`) && token.o > 0
          ? request.url
          : `${request.origin}/v1.0/${kind}/delta${buildQuery([['$skiptoken', encodeToken({ ...token, o: end })]])}`;
      body['@odata.nextLink'] = link;
    } else {
      const next: UsersDeltaToken = { k: kind, e: token.e, s: token.u, sel: token.sel };
      body['@odata.deltaLink'] =
        `${request.origin}/v1.0/${kind}/delta${buildQuery([['$deltatoken', encodeToken(next)]])}`;
    }
    body.value = value;
    return ok(body, preference ? { 'Preference-Applied': preference } : {});
  }

  private cachedRound(token: PageToken, compute: () => string[] | GroupEntry[]) {
    const key = `${token.k}:${token.e}:${token.s}:${token.u}:${(token.sel ?? []).join(',')}`;
    let value = this.roundCache.get(key);
    if (!value) {
      value = compute();
      this.roundCache.set(key, value);
      if (this.roundCache.size > 16) {
        const oldest = this.roundCache.keys().next().value;
        if (oldest !== undefined) this.roundCache.delete(oldest);
      }
    }
    return value;
  }

  private typeOf(id: string): string {
    if (this.store.users.has(id) || this.store.purged.has(id)) return TYPE.user;
    if (this.store.groups.has(id)) return TYPE.group;
    const other = this.store.others.get(id);
    return other ? TYPE[other.kind] : TYPE.user;
  }

  // ----- $batch -----------------------------------------------------------------------------

  private batch(request: ApiRequest): ApiResponse {
    const body = request.body as { requests?: unknown } | null;
    const items = body && Array.isArray(body.requests) ? (body.requests as unknown[]) : null;
    if (!items) return graphError(400, 'BadRequest', 'Invalid batch payload format.');
    if (items.length > 20) {
      return graphError(
        400,
        'BadRequest',
        'The number of requests in a batch exceeds the limit of 20.'
      );
    }
    const seen = new Set<string>();
    const responses = items.map((raw) => {
      const item = (raw ?? {}) as {
        id?: unknown;
        method?: unknown;
        url?: unknown;
        headers?: unknown;
        body?: unknown;
      };
      const id = typeof item.id === 'string' ? item.id : String(item.id ?? '');
      if (!id || seen.has(id) || typeof item.url !== 'string' || typeof item.method !== 'string') {
        const error = graphError(
          400,
          'BadRequest',
          'Each batch request needs a unique id, a method and a url.'
        );
        return {
          id,
          status: 400,
          headers: { 'Content-Type': 'application/json' },
          body: error.body,
        };
      }
      seen.add(id);
      const relative = item.url.replace(/^\/+/, '').replace(/^v1\.0\//, '');
      const url = new URL(`${request.origin}/v1.0/${relative}`);
      const headers: Record<string, string | undefined> = {};
      if (item.headers && typeof item.headers === 'object') {
        for (const [key, value] of Object.entries(item.headers as Record<string, unknown>)) {
          headers[key.toLowerCase()] = String(value);
        }
      }
      const response = this.handle(
        {
          method: item.method.toUpperCase(),
          path: url.pathname.replace(/^\/v1\.0\//, ''),
          query: url.searchParams,
          headers,
          body: item.body,
          origin: request.origin,
          url: `${request.origin}/v1.0/${relative}`,
        },
        true
      );
      this.options.log.add({
        method: item.method.toUpperCase(),
        path: url.pathname,
        query: url.search,
        status: response.status,
        batched: true,
      });
      const itemHeaders: Record<string, string> = { 'Content-Type': 'application/json' };
      if (response.headers['Retry-After'])
        itemHeaders['Retry-After'] = response.headers['Retry-After'];
      return { id, status: response.status, headers: itemHeaders, body: response.body };
    });
    // Graph answers batch items in any order.
    return ok({ responses: responses.reverse() });
  }

  // ----- query options ------------------------------------------------------------------------

  private select(request: ApiRequest, fields: Set<string>, typeName: string): string[] | null {
    const select = parseSelect(queryOption(request.query, '$select'));
    for (const name of select ?? []) {
      if (!fields.has(name)) {
        throw new ODataError(
          400,
          'BadRequest',
          `Could not find a property named '${name}' on type 'microsoft.graph.${typeName}'.`
        );
      }
    }
    return select;
  }

  /** `$expand=manager` or `$expand=manager($select=id)`; anything else is refused. */
  private expand(request: ApiRequest): boolean {
    const expand = queryOption(request.query, '$expand');
    if (expand === null) return false;
    if (/^manager(\(\$select=[\w,]+\))?$/.test(expand.trim())) return true;
    throw new ODataError(
      400,
      'BadRequest',
      `Parsing OData Select and Expand failed: Could not find a property named '${expand}' on type 'microsoft.graph.user'.`
    );
  }

  /** `counting`: a `$count` segment, an advanced query by itself (its header checked before). */
  private advancedQuery(
    request: ApiRequest,
    filterFields: Set<string>,
    resource: string,
    counting = false
  ) {
    const eventual = (request.headers.consistencylevel ?? '').toLowerCase() === 'eventual';
    const countOption = queryOption(request.query, '$count');
    const count = counting || countOption === 'true';
    const filterText = queryOption(request.query, '$filter');
    const searchText = queryOption(request.query, '$search');
    const orderText = queryOption(request.query, '$orderby');
    let filter: FilterNode | null = null;
    let search: SearchExpression | null = null;
    if (filterText !== null) {
      filter = parseFilter(filterText);
      for (const property of filterProperties(filter)) {
        if (!filterFields.has(property)) {
          throw new ODataError(
            400,
            'Request_UnsupportedQuery',
            `Unsupported or invalid query filter clause specified for property '${property}' of resource '${resource}'.`
          );
        }
      }
      if (isAdvancedFilter(filter) && !(eventual && count)) {
        throw new ODataError(
          400,
          'Request_UnsupportedQuery',
          `Unsupported or invalid query filter clause specified for property '${filterProperties(filter)[0]}' of resource '${resource}'.`
        );
      }
    }
    if (searchText !== null) {
      if (!eventual) {
        throw new ODataError(
          400,
          'Request_UnsupportedQuery',
          "Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'"
        );
      }
      search = parseSearch(searchText);
    }
    if (count && !eventual) {
      throw new ODataError(400, 'Request_BadRequest', '$count is not currently supported.');
    }
    let orderBy: { property: string; descending: boolean } | null = null;
    if (orderText !== null) {
      const [property, direction] = orderText.trim().split(/\s+/);
      if (!eventual && property !== 'displayName') {
        throw new ODataError(
          400,
          'Request_UnsupportedQuery',
          `Sorting by '${property}' needs ConsistencyLevel: eventual.`
        );
      }
      orderBy = { property, descending: direction === 'desc' };
    }
    const test = (read: (property: string) => unknown) =>
      (!filter || matchesFilter(filter, read)) && (!search || matchesSearch(search, read));
    return { filter, search, count, orderBy, test };
  }

  /**
   * Why a `$count` segment is refused, or null: Graph counts directory objects only in advanced
   * queries (400 without `ConsistencyLevel: eventual`); `refuseCount` stands for an app or a
   * tenant that may not count (403).
   */
  private countRefusal(request: ApiRequest): ApiResponse | null {
    if ((request.headers.consistencylevel ?? '').toLowerCase() !== 'eventual') {
      return graphError(
        400,
        'Request_UnsupportedQuery',
        "Raw count (/$count) is not supported because the 'ConsistencyLevel:eventual' header is missing. Refer to https://aka.ms/graph-docs/advanced-queries for more information"
      );
    }
    return this.options.switches.refuseCount ? insufficientPrivileges() : null;
  }

  private collection<T>(
    request: ApiRequest,
    items: readonly T[],
    render: (item: T) => Record<string, unknown>,
    context: string,
    options: { count: boolean; maxTop: number }
  ): ApiResponse {
    const topText = queryOption(request.query, '$top');
    let top = 100;
    if (topText !== null) {
      top = /^\d+$/.test(topText) ? Number(topText) : NaN;
      if (!(top >= 1 && top <= 999)) {
        return graphError(
          400,
          'Request_UnsupportedQuery',
          `Invalid page size specified: '${topText}'. Must be between 1 and 999 inclusive.`
        );
      }
    }
    top = Math.min(top, options.maxTop);
    const skip = queryOption(request.query, '$skiptoken');
    let offset = 0;
    if (skip !== null) {
      const token = decodeToken<{ o: number }>(skip);
      if (!token || typeof token.o !== 'number' || token.o < 0) {
        return graphError(400, 'Request_BadRequest', 'Invalid skip token.');
      }
      offset = token.o;
    }
    const body: Record<string, unknown> = { '@odata.context': context };
    if (options.count) body['@odata.count'] = items.length;
    const end = offset + top;
    const pathOnly = `/v1.0/${request.path}`;
    const repeat = this.options.faults.repeatsNextLink(pathOnly);
    if (repeat && skip !== null) {
      body['@odata.nextLink'] = request.url;
    } else if (end < items.length || repeat) {
      const pairs: Array<[string, string]> = [];
      for (const [key, value] of request.query) {
        if (key.toLowerCase() !== '$skiptoken') pairs.push([key, value]);
      }
      pairs.push(['$skiptoken', encodeToken({ o: end })]);
      body['@odata.nextLink'] = `${request.origin}/v1.0/${request.path}${buildQuery(pairs)}`;
    }
    body.value = items.slice(offset, end).map(render);
    return ok(body);
  }

  private context(request: ApiRequest, entitySet: string, select: string[] | null) {
    return `${request.origin}/v1.0/$metadata#${entitySet}${select ? `(${select.join(',')})` : ''}`;
  }
}

const userValue = (user: FakeUser, name: string): unknown => {
  if (name in user && name !== 'managerId')
    return (user as unknown as Record<string, unknown>)[name];
  if (name === 'mailNickname') return user.userPrincipalName.split('@')[0];
  if (name === 'otherMails' || name === 'proxyAddresses') {
    return user.mail ? (name === 'proxyAddresses' ? [`SMTP:${user.mail}`] : []) : [];
  }
  if (name === 'identities') {
    return [
      {
        signInType: 'userPrincipalName',
        issuer: 'example.onmicrosoft.com',
        issuerAssignedId: user.userPrincipalName,
      },
    ];
  }
  if (name === 'creationType') return user.userType === 'Guest' ? 'Invitation' : null;
  if (name === 'externalUserState') return user.userType === 'Guest' ? 'Accepted' : null;
  if (name === 'showInAddressList') return null;
  return USER_ARRAY_FIELDS.has(name) ? [] : null;
};

const userReader = (user: FakeUser) => (name: string) => userValue(user, name);

/** The user as Graph shows it with the given properties (absent ones as null). */
export const projectUser = (user: FakeUser, fields: string[]): Record<string, unknown> => {
  const result: Record<string, unknown> = {};
  for (const name of fields) result[name] = userValue(user, name);
  if (!fields.includes('id')) result.id = user.id;
  return result;
};

const groupValue = (group: FakeGroup, name: string): unknown => {
  switch (name) {
    case 'id':
    case 'displayName':
    case 'description':
    case 'mailNickname':
    case 'mail':
    case 'mailEnabled':
    case 'securityEnabled':
    case 'groupTypes':
    case 'visibility':
    case 'createdDateTime':
      return group[name];
    case 'renewedDateTime':
      return group.createdDateTime;
    case 'securityIdentifier':
      return `S-1-12-1-${parseInt(group.id.slice(0, 8), 16)}-${parseInt(group.id.slice(9, 13), 16)}`;
    case 'proxyAddresses':
      return group.mail ? [`SMTP:${group.mail}`] : [];
    default:
      return GROUP_ARRAY_FIELDS.has(name) ? [] : null;
  }
};

const groupReader = (group: FakeGroup) => (name: string) => groupValue(group, name);

export const projectGroup = (group: FakeGroup, fields: string[]): Record<string, unknown> => {
  const result: Record<string, unknown> = {};
  for (const name of fields) result[name] = groupValue(group, name);
  if (!fields.includes('id')) result.id = group.id;
  return result;
};

const projectOther = (other: FakeOther, select: string[] | null): Record<string, unknown> => {
  const fields = other.kind === 'device' ? DEVICE_FIELDS : SERVICE_PRINCIPAL_FIELDS;
  const values: Record<string, unknown> = {
    id: other.id,
    deletedDateTime: null,
    accountEnabled: true,
    approximateLastSignInDateTime: null,
    deviceId: other.kind === 'device' ? other.id.split('').reverse().join('') : null,
    displayName: other.displayName,
    operatingSystem: other.operatingSystem,
    operatingSystemVersion: other.operatingSystem ? '10.0.22631.3007' : null,
    trustType: other.kind === 'device' ? 'AzureAd' : null,
    appDisplayName: other.kind === 'servicePrincipal' ? other.displayName : null,
    appId: other.appId,
    servicePrincipalType: other.kind === 'servicePrincipal' ? 'Application' : null,
    tags: [],
  };
  const result: Record<string, unknown> = {};
  for (const name of select ?? fields) if (fields.includes(name)) result[name] = values[name];
  result.id = other.id;
  return result;
};

const sortBy = <T>(
  items: readonly T[],
  order: { property: string; descending: boolean },
  reader: (item: T) => (property: string) => unknown
): T[] => {
  const key = (item: T) => String(reader(item)(order.property) ?? '').toLowerCase();
  const sorted = [...items].sort((a, b) => key(a).localeCompare(key(b)));
  return order.descending ? sorted.reverse() : sorted;
};

/** A `$count` segment's answer: the bare integer as text/plain, as Graph sends it. */
const rawCount = (total: number): ApiResponse => ({
  status: 200,
  headers: { 'Content-Type': 'text/plain' },
  body: String(total),
});

const notFound = (id: string) =>
  graphError(
    404,
    'Request_ResourceNotFound',
    `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`
  );

const unknownSegment = (segment: string) =>
  graphError(400, 'BadRequest', `Resource not found for the segment '${segment}'.`);

const insufficientPrivileges = () =>
  graphError(
    403,
    'Authorization_RequestDenied',
    'Insufficient privileges to complete the operation.'
  );
