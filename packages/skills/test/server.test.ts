import { createHash } from 'node:crypto'
import { Client } from '@plugboard/client'
import { ErrorCode, McpError } from '@plugboard/protocol'
import { McpServer } from '@plugboard/server'
import { afterEach, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { skills, skillsFromDirectory, SKILLS_EXTENSION_ID, type Skill, type SkillFiles } from '../src/index.js'
import { FORMS_MD, LOGO, PDF_PROCESSING, REFUNDS, SKILL_MD } from './fixtures/pdf-processing.js'
import { closeAll, connectOverHttp, ERAS } from './serve.js'

const sha256 = (bytes: Uint8Array | string) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`
const serve = (...extensions: Parameters<McpServer['extend']>[0][]) => new McpServer({ name: 'skills', version: '1.0.0' }, { extensions })
const rejection = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error as McpError)

afterEach(closeAll)

describe.each(ERAS)('skills() served over HTTP (%s era)', (era) => {
  it('declares the extension with its settings and the resources capability, to a client that did not declare it', async () => {
    const { client, violations } = await connectOverHttp(serve(skills({ skills: [PDF_PROCESSING], directoryRead: true })), era)
    expect(client.getServerExtension(SKILLS_EXTENSION_ID)).toEqual({ directoryRead: true })
    expect(client.getServerCapabilities()?.resources).toBeTypeOf('object')
    expect(violations()).toEqual([])
  })

  it('lists each skill with its frontmatter as parsed from the file and a digest and size of every file as served', async () => {
    const { client } = await connectOverHttp(serve(skills({ skills: [PDF_PROCESSING, REFUNDS] })), era)
    const result = await client.request('skills/list', {})
    const [pdf, refunds] = result.skills as Skill[]
    expect(pdf!.uri).toBe('skill://pdf-processing/SKILL.md')
    expect(pdf!.frontmatter).toEqual(parse(SKILL_MD.split('---')[1]!))
    expect(pdf!.frontmatter.metadata).toEqual({ version: '2.1.0', released: '2024-01-01' })
    expect(pdf!.resources).toEqual([
      { uri: 'skill://pdf-processing/SKILL.md', digest: sha256(SKILL_MD), size: Buffer.byteLength(SKILL_MD) },
      { uri: 'skill://pdf-processing/references/FORMS.md', digest: sha256(FORMS_MD), size: Buffer.byteLength(FORMS_MD) },
      { uri: 'skill://pdf-processing/assets/logo.png', digest: sha256(LOGO), size: LOGO.byteLength },
    ])
    expect(refunds!.uri).toBe('skill://acme/billing/refunds/SKILL.md')
    // Cache hints are 2026-07-28 fields; the legacy era leaves them off.
    if (era === 'modern') expect(result).toMatchObject({ ttlMs: 0, cacheScope: 'private' })
    expect(result.nextCursor).toBeUndefined()
  })

  it('serves each file as a resource: SKILL.md as named and described markdown text, others by extension, bytes as a blob', async () => {
    const { client } = await connectOverHttp(serve(skills({ skills: [PDF_PROCESSING] })), era)
    const { resources } = await client.listResources()
    expect(resources.find((r) => r.uri === 'skill://pdf-processing/SKILL.md')).toMatchObject({ name: 'pdf-processing', description: 'Extract text and tables from PDF files', mimeType: 'text/markdown' })
    expect(resources.find((r) => r.uri === 'skill://pdf-processing/assets/logo.png')).toMatchObject({ mimeType: 'image/png', size: LOGO.byteLength })
    const skillMd = await client.readResource({ uri: 'skill://pdf-processing/SKILL.md' })
    expect(skillMd.contents).toEqual([{ uri: 'skill://pdf-processing/SKILL.md', mimeType: 'text/markdown', text: SKILL_MD }])
    const logo = await client.readResource({ uri: 'skill://pdf-processing/assets/logo.png' })
    expect(Buffer.from((logo.contents[0] as { blob: string }).blob, 'base64')).toEqual(Buffer.from(LOGO))
  })

  it('answers skills/get with the listed entry and no cursor, and an unknown SKILL.md URI with -32602', async () => {
    const { client } = await connectOverHttp(serve(skills({ skills: [PDF_PROCESSING, REFUNDS] })), era)
    const { skills: listed } = await client.request('skills/list', {})
    const got = await client.request('skills/get', { uri: 'skill://acme/billing/refunds/SKILL.md' })
    expect(got.skill).toEqual((listed as Skill[])[1])
    if (era === 'modern') expect(got).toMatchObject({ ttlMs: 0, cacheScope: 'private' })
    expect('nextCursor' in got).toBe(false)
    const error = await rejection(client.request('skills/get', { uri: 'skill://nope/SKILL.md' }))
    expect(error).toBeInstanceOf(McpError)
    expect(error!.code).toBe(ErrorCode.InvalidParams)
    expect((await rejection(client.request('skills/get', {})))!.code).toBe(ErrorCode.InvalidParams)
  })

  it('pages skills/list, each skill whole on one page, and refuses a cursor it did not issue with -32602', async () => {
    const names = ['alpha', 'beta', 'gamma']
    const set = names.map((name) => ({ path: name, files: { 'SKILL.md': `---\nname: ${name}\ndescription: The ${name} skill\n---\n`, 'notes.txt': name } }))
    const { client } = await connectOverHttp(serve(skills({ skills: set, pageSize: 2 })), era)
    const first = await client.request('skills/list', {})
    expect((first.skills as Skill[]).map((s) => s.frontmatter.name)).toEqual(['alpha', 'beta'])
    expect(first.nextCursor).toBeTypeOf('string')
    const second = await client.request('skills/list', { cursor: first.nextCursor as string })
    expect((second.skills as Skill[]).map((s) => s.frontmatter.name)).toEqual(['gamma'])
    expect((second.skills as Skill[])[0]!.resources).toHaveLength(2)
    expect(second.nextCursor).toBeUndefined()
    expect((await rejection(client.request('skills/list', { cursor: 'bogus' })))!.code).toBe(ErrorCode.InvalidParams)
  })

  it('reads the direct children of a skill root and its subdirectories with directoryRead, and refuses a file with -32602', async () => {
    const { client } = await connectOverHttp(serve(skills({ skills: [PDF_PROCESSING], directoryRead: true })), era)
    const root = await client.request('resources/directory/read', { uri: 'skill://pdf-processing' })
    expect(root.resources).toEqual([
      { uri: 'skill://pdf-processing/SKILL.md', name: 'SKILL.md', mimeType: 'text/markdown', size: Buffer.byteLength(SKILL_MD) },
      { uri: 'skill://pdf-processing/references', name: 'references', mimeType: 'inode/directory' },
      { uri: 'skill://pdf-processing/assets', name: 'assets', mimeType: 'inode/directory' },
    ])
    const references = await client.request('resources/directory/read', { uri: 'skill://pdf-processing/references' })
    expect(references.resources).toEqual([{ uri: 'skill://pdf-processing/references/FORMS.md', name: 'FORMS.md', mimeType: 'text/markdown', size: Buffer.byteLength(FORMS_MD) }])
    for (const uri of ['skill://pdf-processing/SKILL.md', 'skill://pdf-processing/references/', 'skill://elsewhere']) {
      expect((await rejection(client.request('resources/directory/read', { uri })))!.code).toBe(ErrorCode.InvalidParams)
    }
  })

  it('does not serve resources/directory/read unless directoryRead is set', async () => {
    const { client } = await connectOverHttp(serve(skills({ skills: [PDF_PROCESSING] })), era)
    expect(client.getServerExtension(SKILLS_EXTENSION_ID)).toEqual({})
    expect((await rejection(client.request('resources/directory/read', { uri: 'skill://pdf-processing' })))!.code).toBe(ErrorCode.MethodNotFound)
  })
})

describe('skills() checks the skills it is given', () => {
  const skill = (path: string, skillMd: string | undefined, extra: Record<string, string> = {}): SkillFiles => ({ path, files: { ...(skillMd !== undefined && { 'SKILL.md': skillMd }), ...extra } })
  const md = (name: string, description = 'Does things') => `---\nname: ${name}\ndescription: ${description}\n---\nBody\n`

  it.each([
    ['a name that differs from the last path segment', [skill('pdf', md('pdf-processing'))], /must equal the path's last segment/],
    ['a name breaking the naming rules', [skill('PDF', md('PDF'))], /naming rules/],
    ['a doubled hyphen', [skill('pdf--tools', md('pdf--tools'))], /naming rules/],
    ['a name longer than 64 characters', [skill('a'.repeat(65), md('a'.repeat(65)))], /naming rules/],
    ['a prefix segment that is no reg-name', [skill('ac me/refunds', md('refunds'))], /segment "ac me"/],
    ['a skill without SKILL.md', [skill('pdf', undefined, { 'README.md': '' })], /no SKILL.md/],
    ['a SKILL.md without frontmatter', [skill('pdf', '# PDF\n')], /frontmatter/],
    ['a SKILL.md whose frontmatter is not YAML', [skill('pdf', '---\nname: [pdf\n---\n')], /frontmatter/],
    ['a frontmatter without description', [skill('pdf', '---\nname: pdf\n---\n')], /description/],
    ['a frontmatter value JSON cannot carry', [skill('pdf', '---\nname: pdf\ndescription: d\nratio: .nan\n---\n')], /JSON/],
    ['a file path leaving the skill', [skill('pdf', md('pdf'), { '../secret.txt': 'x' })], /must be relative/],
    ['the same skill twice', [skill('pdf', md('pdf')), skill('pdf', md('pdf'))], /served twice/],
    ['more files than a host need load', [skill('pdf', md('pdf'), Object.fromEntries(Array.from({ length: 512 }, (_, i) => [`f${i}.txt`, '']))) ], /513 files/],
  ])('rejects %s with a TypeError', (_, set, message) => {
    expect(() => skills({ skills: set })).toThrow(TypeError)
    expect(() => skills({ skills: set })).toThrow(message)
  })

  it('lists a nested skill on its own and its files in the enclosing skill too', async () => {
    const outer = skill('tools', md('tools'), { 'guide.md': 'guide' })
    const inner = skill('tools/lint', md('lint'))
    const { client } = await connectOverHttp(serve(skills({ skills: [outer, inner] })), 'modern')
    const { skills: listed } = await client.request('skills/list', {})
    const [tools, lint] = listed as Skill[]
    expect((tools!.resources as { uri: string }[]).map((r) => r.uri)).toEqual(['skill://tools/SKILL.md', 'skill://tools/guide.md', 'skill://tools/lint/SKILL.md'])
    expect((lint!.resources as { uri: string }[]).map((r) => r.uri)).toEqual(['skill://tools/lint/SKILL.md'])
  })

  it('unregisters its resources when uninstalled', async () => {
    const server = serve()
    const uninstall = server.extend(skills({ skills: [PDF_PROCESSING] }))
    uninstall()
    const { client } = await connectOverHttp(server, 'legacy')
    expect(client.getServerExtension(SKILLS_EXTENSION_ID)).toBeUndefined()
    expect(client.getServerCapabilities()?.resources).toBeUndefined()
  })

  it('is usable by a plain Client that never heard of skills', async () => {
    const { client } = await connectOverHttp(serve(skills({ skills: [PDF_PROCESSING] })), 'legacy')
    expect(client).toBeInstanceOf(Client)
    expect((await client.readResource({ uri: 'skill://pdf-processing/references/FORMS.md' })).contents[0]).toMatchObject({ text: FORMS_MD, mimeType: 'text/markdown' })
  })
})

describe('skillsFromDirectory()', () => {
  it('reads every folder holding a SKILL.md as a skill at its relative path, text as text, bytes as bytes, dotfiles skipped', async () => {
    const found = await skillsFromDirectory(new URL('./fixtures/skills/', import.meta.url))
    expect(found.map((s) => s.path)).toEqual(['acme/billing/refunds', 'pdf-processing'])
    const pdf = found[1]!
    expect(Object.keys(pdf.files).sort()).toEqual(['SKILL.md', 'assets/logo.png', 'references/FORMS.md'])
    expect(pdf.files['references/FORMS.md']).toBeTypeOf('string')
    expect(pdf.files['assets/logo.png']).toBeInstanceOf(Uint8Array)
    expect(() => skills({ skills: found })).not.toThrow()
  })
})
