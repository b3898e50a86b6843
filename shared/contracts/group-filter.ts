/**
 * The check of a group filter pattern (groupSync.pattern), shared by the server (400 at save) and the
 * panel's live preview, so both refuse the same patterns.
 *
 * A pattern is refused when it does not compile, is longer than 200 characters, or is
 * catastrophic: nested quantifiers such as `^(a+)+$` make JavaScript's backtracking engine take
 * exponential time on a crafted group name, and a regex blocks the event loop while it runs.
 * safe-regex2 (fastify's maintained fork of safe-regex) detects them by star height (a repetition
 * inside a repetition) and caps the number of repetitions; it is pure JavaScript, so the panel can
 * run the same check in the browser, where RE2 (a native addon) could not.
 */
import safeRegex from 'safe-regex2';

export const GROUP_PATTERN_MAX_LENGTH = 200;

/** Why a pattern is refused, or null when it may be used. */
export const groupPatternProblem = (pattern: string): string | null => {
  if (pattern.length > GROUP_PATTERN_MAX_LENGTH)
    return `must be at most ${GROUP_PATTERN_MAX_LENGTH} characters`;
  try {
    new RegExp(pattern);
  } catch (error) {
    return `not a valid regular expression: ${(error as Error).message}`;
  }
  if (!safeRegex(pattern)) {
    return 'this pattern could take exponential time on some group names (a repetition inside a repetition, such as (a+)+, or too many repetitions): simplify it, e.g. ^(a+)+$ -> ^a+$';
  }
  return null;
};

/** The pattern compiled, or the reason it is refused. */
export const compileGroupPattern = (
  pattern: string
): { regex: RegExp; error: null } | { regex: null; error: string } => {
  const error = groupPatternProblem(pattern);
  return error ? { regex: null, error } : { regex: new RegExp(pattern), error: null };
};
