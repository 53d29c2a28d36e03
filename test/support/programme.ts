import { ProgrammeError } from '#domain/programme.ts';

/** The problems (path and message) a programme check reports; fails the test if it reports none. */
export function problemsOf(run: () => unknown): { path: string; message: string }[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ProgrammeError) return error.problems;
    throw error;
  }
  throw new Error('expected a ProgrammeError');
}
