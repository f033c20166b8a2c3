// host.js — run with `node host.js`: lists server.js's skills, loads one verified, reads a file it lists.
import { Client } from '@plugboard/client'
import { listSkills, loadSkill, readSkillFile } from '@plugboard/skills/client'
import { StdioClientTransport } from '@plugboard/transport-stdio'

const client = new Client({ name: 'host', version: '1.0.0' })
await client.connect(new StdioClientTransport({ command: 'node', args: ['server.js'] }))
const available = await listSkills(client) // manifests only: no file is fetched yet
for (const entry of available) console.log(`${entry.frontmatter.name}: ${entry.frontmatter.description}`)
const skill = await loadSkill(client, available[0]!) // SKILL.md, checked against the entry's size, digest and frontmatter
console.log(skill.body)
console.log((await readSkillFile(skill, 'references/STYLE.md')).text) // only files the entry lists, verified alike
await client.close()
