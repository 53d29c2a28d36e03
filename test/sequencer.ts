import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The longest test files first. On two cores the suite's wall time is set by when its longest file
 * starts: vitest's default order (by the last run's durations, or by file size on a fresh clone, as in
 * CI) can start the fault-injection file, which takes minutes on its own, last.
 */
const longestFirst = [
  'test/integration/placement-faults.test.ts',
  'test/integration/live-credentials.test.ts',
  'test/integration/provisioning.test.ts',
  'test/integration/iam-grants.test.ts',
  'test/integration/authorization-matrix.test.ts',
  'test/integration/concurrency.test.ts',
];

export class LongestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (file: TestSpecification) => {
      const i = longestFirst.findIndex((path) => file.moduleId.endsWith(path));
      return i === -1 ? longestFirst.length : i;
    };
    return [...sorted].sort((a, b) => rank(a) - rank(b));
  }
}
