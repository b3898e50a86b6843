/**
 * The last link of the Graph client's middleware chain: sends the request with Node's `https`
 * and a provider-owned agent, instead of the global `fetch`. That is what lets a directory trust
 * its own CA certificate (a TLS-inspecting proxy) without touching the rest of the process, and
 * gives each request a timeout and a size cap.
 */
import { request as httpsRequest, type Agent } from 'https';
import type { Context, Middleware } from '@microsoft/microsoft-graph-client';

/** A failure below HTTP (refused, reset, timed out, untrusted certificate). */
export class GraphNetworkError extends Error {
  constructor(
    message: string,
    /** Node's error code, e.g. ECONNRESET, ETIMEDOUT, SELF_SIGNED_CERT_IN_CHAIN. */
    readonly errorCode: string
  ) {
    super(message);
    this.name = 'GraphNetworkError';
  }
}

/** An answer larger than the size cap: read no further (a broken proxy, or a runaway page). */
export class ResponseTooLargeError extends Error {
  constructor(
    readonly url: string,
    readonly maxBytes: number
  ) {
    super(`${url}: the answer is larger than ${maxBytes} bytes`);
    this.name = 'ResponseTooLargeError';
  }
}

/** Node error codes that mean the server's certificate is not trusted. */
export const TLS_ERROR_CODES = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

type HeaderSource = Record<string, string> | Array<[string, string]> | Headers | undefined;

const headerRecord = (headers: HeaderSource): Record<string, string> => {
  const result: Record<string, string> = {};
  if (!headers) return result;
  if (typeof Headers !== 'undefined' && headers instanceof Headers) {
    headers.forEach((value, key) => {
      result[key] = value;
    });
  } else if (Array.isArray(headers)) {
    for (const [key, value] of headers) result[key] = value;
  } else {
    for (const [key, value] of Object.entries(headers)) result[key] = value;
  }
  return result;
};

const networkError = (target: URL, error: NodeJS.ErrnoException) => {
  const code = error.code ?? 'ECONNRESET';
  return new GraphNetworkError(`${target.host}: ${error.message} (${code})`, code);
};

/** Sends one HTTPS request: a WHATWG Response, or a rejection with GraphNetworkError. */
export const sendHttps = (
  url: string,
  init: {
    method: string;
    headers: Record<string, string>;
    body?: string | Buffer;
    signal?: AbortSignal;
  },
  agent: Agent,
  timeoutMs: number,
  maxBytes = Number.POSITIVE_INFINITY
): Promise<Response> =>
  new Promise((resolve, reject) => {
    const target = new URL(url);
    const request = httpsRequest(
      target,
      { method: init.method, headers: init.headers, agent, signal: init.signal },
      (response) => {
        const chunks: Buffer[] = [];
        let received = 0;
        response.on('data', (chunk: Buffer) => {
          received += chunk.length;
          if (received > maxBytes) {
            // Read no further; what the socket says after this is moot (the promise is settled).
            reject(new ResponseTooLargeError(url, maxBytes));
            response.destroy();
            return;
          }
          chunks.push(chunk);
        });
        response.on('error', (error: NodeJS.ErrnoException) => reject(networkError(target, error)));
        response.on('end', () => {
          const headers = new Headers();
          for (const [key, value] of Object.entries(response.headers)) {
            if (value === undefined) continue;
            for (const item of Array.isArray(value) ? value : [value]) headers.append(key, item);
          }
          const status = response.statusCode ?? 500;
          const empty = status === 204 || status === 304 || chunks.length === 0;
          resolve(
            new Response(empty ? null : Buffer.concat(chunks), {
              status,
              statusText: response.statusMessage ?? '',
              headers,
            })
          );
        });
      }
    );
    request.setTimeout(timeoutMs, () => {
      request.destroy(
        new GraphNetworkError(
          `${target.host} did not answer within ${timeoutMs / 1000} s (ETIMEDOUT)`,
          'ETIMEDOUT'
        )
      );
    });
    request.on('error', (error: NodeJS.ErrnoException) => {
      if (error instanceof GraphNetworkError) reject(error);
      else if (error.name === 'AbortError') reject(error);
      else reject(networkError(target, error));
    });
    if (init.body !== undefined) request.write(init.body);
    request.end();
  });

/** Graph client middleware that performs the HTTP exchange over the given agent. */
export class HttpsHandler implements Middleware {
  constructor(
    private readonly agent: Agent,
    private readonly timeoutMs: number,
    private readonly maxBytes: number
  ) {}

  async execute(context: Context): Promise<void> {
    const options = context.options ?? {};
    const url = typeof context.request === 'string' ? context.request : context.request.url;
    const headers = headerRecord(options.headers as HeaderSource);
    if (typeof context.request !== 'string') {
      for (const [key, value] of Object.entries(headerRecord(context.request.headers)))
        headers[key] = value;
    }
    const body = options.body;
    context.response = await sendHttps(
      url,
      {
        method: options.method ?? 'GET',
        headers,
        body: typeof body === 'string' || Buffer.isBuffer(body) ? body : undefined,
        signal: options.signal ?? undefined,
      },
      this.agent,
      this.timeoutMs,
      this.maxBytes
    );
  }
}
