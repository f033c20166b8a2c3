import { fileURLToPath } from 'node:url'
import { Client } from '@plugboard/client'
import { StdioClientTransport } from '@plugboard/transport-stdio'
import { describe, expect, it } from 'vitest'
import { listSkills, loadSkill, readSkillFile, SKILLS_EXTENSION_ID } from '../src/client/index.js'

// The stdio fixture runs the built packages (`pnpm build`) and serves ./fixtures/skills read from disk.
const fixture = fileURLToPath(new URL('./fixtures/skills-server.mjs', import.meta.url))

const alive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

describe('skills end to end over stdio', () => {
  it('lists the skills a child process serves from a directory, loads one and reads its files verified, and leaves no process behind', async () => {
    const transport = new StdioClientTransport({ command: process.execPath, args: [fixture] })
    const client = new Client({ name: 'skills-e2e', version: '1.0.0' }, { capabilities: { extensions: { [SKILLS_EXTENSION_ID]: {} } } })
    await client.connect(transport)
    const pid = transport.pid!
    try {
      expect(client.getServerExtension(SKILLS_EXTENSION_ID)).toEqual({ directoryRead: true })
      const listed = await listSkills(client)
      expect(listed.map((s) => s.uri)).toEqual(['skill://acme/billing/refunds/SKILL.md', 'skill://pdf-processing/SKILL.md'])
      const pdf = await loadSkill(client, listed[1]!)
      expect(pdf.frontmatter).toEqual({ name: 'pdf-processing', description: 'Extract text and tables from PDF files', metadata: { released: '2024-01-01' } })
      expect((await readSkillFile(pdf, 'references/FORMS.md')).text).toBe('# Forms\n\nFill them field by field.\n')
      expect([...(await readSkillFile(pdf, 'assets/logo.png')).bytes]).toEqual([0x89, 0x50, 0x4e, 0x47, 0, 0xff, 0x10])
      const dir = await client.request('resources/directory/read', { uri: 'skill://pdf-processing' })
      expect((dir.resources as { name: string }[]).map((r) => r.name).sort()).toEqual(['SKILL.md', 'assets', 'references'])
    } finally {
      await client.close()
    }
    expect(alive(pid)).toBe(false)
  })
})
