// Print what three npm agent detectors say about the world this process was started in.
//
//   env -i NAME=value ... node tests/differential/agent_peers_probe.js <node_modules> < world.json
//
// The environment is the fixture's (std-env reads process.env when it is first
// imported, so the caller starts one node process per fixture with exactly the
// fixture's environment); stdin holds {"processes": [...], "files": [...]}: the
// fixture's ancestry, given to am-i-vibing as its processAncestry, and the paths
// the fixture says exist, which @vercel/detect-agent's /opt/.devin check sees.
// Output: one JSON line, {"vercel": {"agent": name|null}, "amIVibing": {"id", "type"},
// "stdEnv": {"agent": name|null}}.
'use strict'

const fs = require('fs')
const fsPromises = require('node:fs/promises')
const path = require('path')

const where = process.argv[2]
if (!where) {
  process.stderr.write('usage: node agent_peers_probe.js <node_modules directory>\n')
  process.exit(2)
}
const world = JSON.parse(fs.readFileSync(0, 'utf8') || '{}')
const present = new Set(world.files || [])

// @vercel/detect-agent looks up fsPromises.access at call time: answer from the fixture.
fsPromises.access = async (file) => {
  if (!present.has(String(file))) {
    const error = new Error(`ENOENT: no such file or directory, access '${file}'`)
    error.code = 'ENOENT'
    throw error
  }
}

async function main () {
  const vercel = require(path.join(where, '@vercel', 'detect-agent'))
  const vibing = await import(path.join(where, 'am-i-vibing', 'dist', 'index.mjs'))
  const stdEnv = await import(path.join(where, 'std-env', 'dist', 'index.mjs'))

  const fromVercel = await vercel.determineAgent()
  const ancestry = (world.processes || []).map((p) => ({
    pid: 0,
    command: (p.cmdline && p.cmdline.length ? p.cmdline.join(' ') : p.name)
  }))
  const fromVibing = vibing.detectAgenticEnvironment({ env: process.env, processAncestry: ancestry })
  process.stdout.write(JSON.stringify({
    vercel: { agent: fromVercel.isAgent ? fromVercel.agent.name : null },
    amIVibing: { id: fromVibing.id, type: fromVibing.type },
    stdEnv: { agent: stdEnv.agent || null }
  }) + '\n')
}

main().catch((error) => {
  process.stderr.write(String(error && error.stack ? error.stack : error) + '\n')
  process.exit(1)
})
