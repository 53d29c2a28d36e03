import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { type Programme, ProgrammeError, validateProgramme } from '#domain/programme.ts';

/**
 * Reads and validates a programme file (`.yaml`, `.yml` or `.json`). Every failure — missing file,
 * bad YAML, bad field — is a ProgrammeError naming the file and the place, never a stack trace.
 */
export function loadProgrammeFile(path: string): Programme {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ProgrammeError(path, [
      { path: '', message: `cannot read the file (${(error as NodeJS.ErrnoException).code ?? 'error'})` },
    ]);
  }
  let document: unknown;
  try {
    document = path.endsWith('.json') ? JSON.parse(text) : parseYaml(text, { prettyErrors: true });
  } catch (error) {
    throw new ProgrammeError(path, [
      {
        path: '',
        message: `not valid ${path.endsWith('.json') ? 'JSON' : 'YAML'}: ${(error as Error).message.split('\n')[0]}`,
      },
    ]);
  }
  return validateProgramme(document, path);
}
