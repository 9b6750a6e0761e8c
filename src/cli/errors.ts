/** Exit codes as kubectl: 0 success; 1 the answer is "no" or findings at/above --fail-on; 2 usage or input errors. */
export const EXIT_OK = 0;
export const EXIT_NO = 1;
export const EXIT_USAGE = 2;

/** A user error: printed as `error: MESSAGE` without a stack trace, exit code 2. */
export class UsageError extends Error {}

/** stdout was closed by its reader (`… | head`): the status of a process killed by SIGPIPE, 128 + 13. */
export const EXIT_BROKEN_PIPE = 141;
