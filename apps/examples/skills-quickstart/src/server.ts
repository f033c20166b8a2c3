// server.ts — a stdio server offering one skill (SKILL.md and a reference, as skill:// resources); host.ts starts it.
import { McpServer } from '@plugboard/server'
import { skills } from '@plugboard/skills'
import { StdioServerTransport } from '@plugboard/transport-stdio'

const server = new McpServer({ name: 'skills-demo', version: '1.0.0' })
server.extend(skills({
  skills: [{
    path: 'release-notes',
    files: {
      'SKILL.md': '---\nname: release-notes\ndescription: Write release notes from merged pull requests\n---\n\nGroup changes by kind; follow references/STYLE.md.\n',
      'references/STYLE.md': 'One line per change, in the imperative.\n',
    },
  }],
}))
await server.connect(new StdioServerTransport())
