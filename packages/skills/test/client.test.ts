import { ErrorCode, McpError, type Middleware } from '@plugboard/protocol'
import { McpServer } from '@plugboard/server'
import { afterEach, describe, expect, it } from 'vitest'
import { getSkill, listSkills, loadSkill, readSkillFile, SkillVerificationError, type Skill, type SkillVerificationReason } from '../src/client/index.js'
import { skills, SKILLS_EXTENSION_ID } from '../src/index.js'
import { FORMS_MD, LOGO, PDF_PROCESSING, SKILL_MD } from './fixtures/pdf-processing.js'
import { closeAll, connectOverHttp, ERAS } from './serve.js'

const SKILL_URI = 'skill://pdf-processing/SKILL.md'
const FORMS_URI = 'skill://pdf-processing/references/FORMS.md'

/** A server with the fixture skill; `middleware` (to tamper with what it serves) runs around every request. */
function skillServer(middleware?: Middleware, pageSize?: number) {
  const server = new McpServer({ name: 'skills', version: '1.0.0' })
  const many = ['alpha', 'beta'].map((name) => ({ path: name, files: { 'SKILL.md': `---\nname: ${name}\ndescription: The ${name} skill\n---\n` } }))
  server.extend(skills({ skills: [PDF_PROCESSING, ...many], ...(pageSize && { pageSize }) }))
  if (middleware) server.use(middleware)
  return server
}

/** Middleware answering a `resources/read` of `uri` with `text` instead of what the skill holds. */
const serveText =
  (uri: string, text: (original: string) => string): Middleware =>
  async (call, next) => {
    const result = await next()
    if (call.direction !== 'inbound' || call.method !== 'resources/read' || call.params.uri !== uri) return result
    const [content] = result.contents as { text: string }[]
    return { ...result, contents: [{ ...content, text: text(content!.text) }] }
  }

/** Middleware rewriting the first skill of every `skills/list` page. */
const rewriteEntry =
  (change: (entry: Skill) => Skill): Middleware =>
  async (call, next) => {
    const result = await next()
    if (call.direction !== 'inbound' || call.method !== 'skills/list') return result
    const [first, ...rest] = result.skills as Skill[]
    return { ...result, skills: [change(structuredClone(first!)), ...rest] }
  }

async function refusal(promise: Promise<unknown>): Promise<SkillVerificationReason | undefined> {
  try {
    await promise
    return undefined
  } catch (error) {
    expect(error).toBeInstanceOf(SkillVerificationError)
    return (error as SkillVerificationError).reason
  }
}

const reads = (methods: string[]) => methods.filter((m) => m === 'resources/read').length

afterEach(closeAll)

describe.each(ERAS)('@plugboard/skills/client over HTTP (%s era)', (era) => {
  it('lists every skill across pages and reads no file doing so', async () => {
    const { client, methods, violations } = await connectOverHttp(skillServer(undefined, 1), era, { capabilities: { extensions: { [SKILLS_EXTENSION_ID]: {} } } })
    const listed = await listSkills(client)
    expect(listed.map((s) => s.uri)).toEqual([SKILL_URI, 'skill://alpha/SKILL.md', 'skill://beta/SKILL.md'])
    expect(methods.filter((m) => m === 'skills/list')).toHaveLength(3)
    expect(reads(methods)).toBe(0)
    expect(violations()).toEqual([])
  })

  it('loads a skill verified against its entry, reading its SKILL.md and nothing else', async () => {
    const { client, methods } = await connectOverHttp(skillServer(), era)
    const [entry] = await listSkills(client)
    const loaded = await loadSkill(client, entry!)
    expect(loaded.text).toBe(SKILL_MD)
    expect(loaded.frontmatter).toEqual(entry!.frontmatter)
    expect(loaded.body).toBe('\n# PDF processing\n\nSee references/FORMS.md.\n')
    expect(reads(methods)).toBe(1)
  })

  it('reads a listed supporting file, text or bytes, verified', async () => {
    const { client } = await connectOverHttp(skillServer(), era)
    const [entry] = await listSkills(client)
    const loaded = await loadSkill(client, entry!)
    const forms = await readSkillFile(loaded, 'references/FORMS.md')
    expect(forms).toMatchObject({ uri: FORMS_URI, text: FORMS_MD, mimeType: 'text/markdown' })
    const logo = await readSkillFile(loaded, './assets/logo.png')
    expect(Buffer.from(logo.bytes)).toEqual(Buffer.from(LOGO))
    expect(logo.text).toBeUndefined()
  })

  it('fetches a skill by URI with skills/get, and passes on the -32602 for one the server does not serve', async () => {
    const { client } = await connectOverHttp(skillServer(), era)
    expect((await getSkill(client, 'skill://beta/SKILL.md')).frontmatter.name).toBe('beta')
    const error = await getSkill(client, 'skill://gone/SKILL.md').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(McpError)
    expect((error as McpError).code).toBe(ErrorCode.InvalidParams)
  })

  it('refuses a SKILL.md of another size than listed, before hashing it', async () => {
    const { client } = await connectOverHttp(skillServer(serveText(SKILL_URI, (t) => `${t}extra bytes\n`)), era)
    const [entry] = await listSkills(client)
    expect(await refusal(loadSkill(client, entry!))).toBe('size')
  })

  it('refuses a SKILL.md of the listed size whose digest differs', async () => {
    const { client } = await connectOverHttp(skillServer(serveText(SKILL_URI, (t) => t.replace('See references', 'Run references'))), era)
    const [entry] = await listSkills(client)
    expect(await refusal(loadSkill(client, entry!))).toBe('digest')
  })

  it('refuses a SKILL.md whose frontmatter differs from the entry field by field, digest notwithstanding', async () => {
    const cases: ((entry: Skill) => Skill)[] = [
      (e) => ({ ...e, frontmatter: { ...e.frontmatter, description: 'Exfiltrate credentials' } }),
      (e) => ({ ...e, frontmatter: { ...e.frontmatter, 'allowed-tools': 'Bash' } }),
      (e) => ({ ...e, frontmatter: { name: e.frontmatter.name, description: e.frontmatter.description } }),
    ]
    for (const change of cases) {
      const { client } = await connectOverHttp(skillServer(rewriteEntry(change)), era)
      const [entry] = await listSkills(client)
      expect(await refusal(loadSkill(client, entry!))).toBe('frontmatter')
    }
  })

  it('treats an absent frontmatter field and a null one as equal', async () => {
    const { client } = await connectOverHttp(skillServer(rewriteEntry((e) => ({ ...e, frontmatter: { ...e.frontmatter, compatibility: null } }))), era)
    const [entry] = await listSkills(client)
    await expect(loadSkill(client, entry!)).resolves.toMatchObject({ text: SKILL_MD })
  })

  it('refuses a supporting file not listed in the held entry without reading it, and a tampered listed one', async () => {
    const { client, methods } = await connectOverHttp(skillServer(serveText(FORMS_URI, (t) => t.toUpperCase())), era)
    const [entry] = await listSkills(client)
    const loaded = await loadSkill(client, entry!)
    expect(await refusal(readSkillFile(loaded, 'references/SECRET.md'))).toBe('unlisted')
    expect(await refusal(readSkillFile(loaded, '../alpha/SKILL.md'))).toBe('unlisted')
    expect(reads(methods)).toBe(1)
    expect(await refusal(readSkillFile(loaded, 'references/FORMS.md'))).toBe('digest')
  })

  it('declines a dynamic skill unless asked, and still compares its frontmatter when loading it', async () => {
    const { client, methods } = await connectOverHttp(skillServer(rewriteEntry((e) => ({ ...e, resources: 'dynamic' }))), era)
    const [entry] = await listSkills(client)
    expect(await refusal(loadSkill(client, entry!))).toBe('dynamic-declined')
    expect(reads(methods)).toBe(0)
    const loaded = await loadSkill(client, entry!, { allowDynamic: true })
    expect((await readSkillFile(loaded, 'references/FORMS.md')).text).toBe(FORMS_MD)
  })

  it('refuses a malformed entry without reading anything', async () => {
    const broken: ((entry: Skill) => Skill)[] = [
      (e) => ({ ...e, resources: undefined as never }),
      (e) => ({ ...e, resources: (e.resources as { uri: string }[]).filter((r) => r.uri !== SKILL_URI) as Skill['resources'] }),
      (e) => ({ ...e, resources: [{ uri: 'skill://elsewhere/x.md', digest: `sha256:${'0'.repeat(64)}`, size: 1 }, ...(e.resources as [])] }),
      (e) => ({ ...e, frontmatter: { ...e.frontmatter, name: 'other' } }),
    ]
    for (const change of broken) {
      const { client, methods } = await connectOverHttp(skillServer(rewriteEntry(change)), era)
      const [entry] = await listSkills(client)
      expect(await refusal(loadSkill(client, entry!))).toBe('entry')
      expect(reads(methods)).toBe(0)
    }
  })

  it('refuses to list the skills of a server that did not declare the extension', async () => {
    const server = new McpServer({ name: 'plain', version: '1.0.0' })
    server.registerResource('x', 'skill://x/SKILL.md', {}, () => ({ contents: [] }))
    const { client, methods } = await connectOverHttp(server, era)
    await expect(listSkills(client)).rejects.toThrow(/did not declare the io.modelcontextprotocol\/skills extension/)
    expect(methods).not.toContain('skills/list')
  })
})
