// Print what npm's ci-info says about the environment this process was started with.
//
//   env -i NAME=value ... node tests/differential/ci_info_probe.js <path to node_modules/ci-info>
//
// ci-info reads process.env once, when it is first required, so the caller
// starts one node process per fixture with exactly the fixture's environment
// (tests/differential/test_ci_info_differential.py does).  Output: one JSON line,
// {"id": <ci-info constant or null>, "name": ..., "isPR": true|false|null, "isCI": bool}.
'use strict'

const path = require('path')

const where = process.argv[2]
if (!where) {
  process.stderr.write('usage: node ci_info_probe.js <path to the ci-info package>\n')
  process.exit(2)
}
const ci = require(path.resolve(where))
process.stdout.write(JSON.stringify({
  id: ci.id,
  name: ci.name,
  isPR: ci.isPR,
  isCI: ci.isCI
}) + '\n')
