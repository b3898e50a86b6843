/**
 * What a run, the audit log and the panel show of an error: a SyncError's message (written for
 * people), never the text of any other error (a database driver quotes the row it refused).
 */
import {
  CancelledError,
  describeError,
  StopSyncError,
  TransientSyncError,
} from '../../../server/src/providers/errors';

describe('describeError', () => {
  it('keeps the code and message of the sync errors', () => {
    expect(
      describeError(new StopSyncError('azure-bad-secret', 'The client secret is wrong.'))
    ).toEqual({
      code: 'azure-bad-secret',
      message: 'The client secret is wrong.',
    });
    expect(describeError(new CancelledError())).toEqual({
      code: 'cancelled',
      message: 'The run was cancelled.',
    });
  });

  it('never copies the text of another error, only its name', () => {
    const leak = new Error("insert into up_users values ('ann@example.com', '$2a$10$hash')");
    leak.name = 'SqliteError';
    const described = describeError(leak);
    expect(described).toEqual({
      code: 'unexpected-error',
      message: 'An unexpected error (SqliteError) stopped the run; the server log has the details.',
    });
    expect(JSON.stringify(described)).not.toContain('ann@example.com');
    expect(describeError(new TypeError('Invalid URL')).message).toBe(
      'An unexpected error (TypeError) stopped the run; the server log has the details.'
    );
    expect(describeError('a string').message).toContain('(Error)');
    const odd = new Error('x');
    odd.name = 'name with spaces and ann@example.com';
    expect(describeError(odd).message).toContain('(Error)');
  });

  it('recognises a sync error made by another copy of the module (a test helper, a bundle)', () => {
    const foreign = Object.assign(new Error('the memory directory went away half way'), {
      name: 'TransientSyncError',
      code: 'memory-unavailable',
    });
    expect(foreign).not.toBeInstanceOf(TransientSyncError);
    expect(describeError(foreign)).toEqual({
      code: 'memory-unavailable',
      message: 'the memory directory went away half way',
    });
  });
});
