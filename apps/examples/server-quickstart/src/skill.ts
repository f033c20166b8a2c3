// skill.ts — a stdio server: a host starts it and loads its skill (see the @plugboard/skills README).
import { McpServer } from '@plugboard/server'
import { skills } from '@plugboard/skills'
import { StdioServerTransport } from '@plugboard/transport-stdio'

const server = new McpServer({ name: 'team-skills', version: '1.0.0' })
const skill = '---\nname: commit-messages\ndescription: Write commit messages the way this team does\n---\n\nA subject under 60 characters, then why.\n'
server.extend(skills({ skills: [{ path: 'commit-messages', files: { 'SKILL.md': skill } }] }))

await server.connect(new StdioServerTransport())
