"""Runs one unittest file for CTest, and tells CTest about skips, which plain `python -m unittest`
reports as a pass.

- Every test passed (some may have been skipped): exit 0. If some were skipped, a summary names
  each skipped test and its reason, and the line <CTestLabel>partly-skipped</CTestLabel> adds
  that label to this CTest test, so ctest's label summary counts the files that did not run
  whole (CTest has no state between passed and skipped).
- Nothing failed, but nothing ran either: every test was skipped. Exit SKIP_CODE, which CTest's
  SKIP_RETURN_CODE turns into "Skipped" (with the reasons in the output).
- A failure or an error: exit 1. A file with no tests at all: exit 1 too (a test that cannot
  fail is a defect).

Usage: run_unittest.py path/to/test_something.py
"""
import os
import sys
import unittest

SKIP_CODE = 77  # the Automake convention; CMake's gorgon_python_test sets SKIP_RETURN_CODE to it


class CountingResult(unittest.TextTestResult):
    """Also counts the tests that ran and passed, which TestResult does not keep."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.passed = 0

    def addSuccess(self, test):
        super().addSuccess(test)
        self.passed += 1

    def addExpectedFailure(self, test, err):
        super().addExpectedFailure(test, err)
        self.passed += 1


def main(argv):
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    # Imported by module name from its own directory, as `python -m unittest` does from there.
    directory, name = os.path.split(os.path.abspath(argv[1]))
    sys.path.insert(0, directory)
    runner = unittest.TextTestRunner(verbosity=2, resultclass=CountingResult)
    program = unittest.main(module=None, argv=["run_unittest", name.removesuffix(".py")],
                            testRunner=runner, exit=False)
    result = program.result
    if not result.wasSuccessful():
        return 1
    if result.skipped:
        print(f"\n{len(result.skipped)} skipped, {result.passed} passed:")
        for test, reason in result.skipped:
            print(f"  SKIPPED {test.id()}: {reason}")
    if result.passed == 0:
        if result.skipped:
            print("every test was skipped")
            return SKIP_CODE
        print("no test ran")
        return 1
    if result.skipped:
        print("<CTestLabel>partly-skipped</CTestLabel>")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
