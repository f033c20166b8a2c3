// MCP Skills (SEP-2640) end to end over stdio: our Client and @plugboard/skills/client against a
// child process serving a skill (fixtures/skills-server.mjs, on the built packages).
import { createHash } from 'node:crypto'
import { listSkills, loadSkill, readSkillFile, SKILLS_EXTENSION_ID, SkillVerificationError } from '@plugboard/skills/client'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { closeAndCheck, recordHandles, skillsClient } from './harness.js'

beforeEach(recordHandles)
afterEach(closeAndCheck)

// The files fixtures/skills-server.mjs serves: the manifest must describe exactly these bytes.
const SKILL_MD = '---\nname: release-notes\ndescription: Write release notes from merged pull requests\n---\n\nGroup changes by kind; follow references/STYLE.md.\n'
const STYLE_MD = 'One line per change, in the imperative.\n'
const described = (text: string) => ({ digest: `sha256:${createHash('sha256').update(text).digest('hex')}`, size: Buffer.byteLength(text) })

const refusal = (promise: Promise<unknown>): Promise<SkillVerificationError> => promise.then(() => expect.unreachable('it resolved'), (error: SkillVerificationError) => error)

describe('skills over stdio', () => {
  it('lists the skill without reading a file, then loads it and reads its reference, both verified', async () => {
    const client = await skillsClient()
    expect(client.getServerExtension(SKILLS_EXTENSION_ID)).toEqual({})
    const [entry, ...others] = await listSkills(client)
    expect(others).toEqual([])
    expect(entry).toMatchObject({
      uri: 'skill://release-notes/SKILL.md',
      frontmatter: { name: 'release-notes', description: 'Write release notes from merged pull requests' },
    })
    expect(entry!.resources).toEqual([
      { uri: 'skill://release-notes/SKILL.md', ...described(SKILL_MD) },
      { uri: 'skill://release-notes/references/STYLE.md', ...described(STYLE_MD) },
    ])
    const skill = await loadSkill(client, entry!)
    expect(skill.text).toBe(SKILL_MD)
    expect(skill.body).toContain('Group changes by kind; follow references/STYLE.md.')
    expect((await readSkillFile(skill, 'references/STYLE.md')).text).toBe(STYLE_MD)
  })

  it('refuses a SKILL.md whose bytes differ from the listed digest, same size', async () => {
    const client = await skillsClient(['--tamper=SKILL.md'])
    const [entry] = await listSkills(client)
    const error = await refusal(loadSkill(client, entry!))
    expect(error).toBeInstanceOf(SkillVerificationError)
    expect(error).toMatchObject({ reason: 'digest', uri: 'skill://release-notes/SKILL.md' })
  })

  it('refuses a tampered supporting file of a skill that loaded, and serves nothing of it', async () => {
    const client = await skillsClient(['--tamper=references/STYLE.md'])
    const [entry] = await listSkills(client)
    const skill = await loadSkill(client, entry!)
    const error = await refusal(readSkillFile(skill, 'references/STYLE.md'))
    expect(error).toMatchObject({ name: 'SkillVerificationError', reason: 'digest', uri: 'skill://release-notes/references/STYLE.md' })
  })
})
