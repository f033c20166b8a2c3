// host.ts — run with `node host.ts`: starts server.ts, lists its skills, loads one verified, reads a file it lists.
import { Client } from '@plugboard/client'
import { listSkills, loadSkill, readSkillFile } from '@plugboard/skills/client'
import { StdioClientTransport } from '@plugboard/transport-stdio'
import { join } from 'node:path'

const client = new Client({ name: 'host', version: '1.0.0' })
// server.ts beside this file (server.js once compiled), run by this same node with its flags (tsx's, on Node 20).
const server = join(import.meta.dirname, import.meta.filename.endsWith('.ts') ? 'server.ts' : 'server.js')
await client.connect(new StdioClientTransport({ command: process.execPath, args: [...process.execArgv, server] }))
const available = await listSkills(client) // manifests only: no file is fetched yet
for (const entry of available) console.log(`${entry.frontmatter.name}: ${entry.frontmatter.description}`)
const skill = await loadSkill(client, available[0]!) // SKILL.md, checked against the entry's size, digest and frontmatter
console.log(skill.body)
console.log((await readSkillFile(skill, 'references/STYLE.md')).text) // only files the entry lists, verified alike
await client.close()
