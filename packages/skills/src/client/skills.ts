import type { Client } from '@plugboard/client'
import { digestOf } from '../digest.js'
import { frontmatterDifferences, parseFrontmatter } from '../frontmatter.js'
import { SKILLS_EXTENSION_ID, type GetSkillResult, type ListSkillsResult, type Skill, type SkillResource } from '../skill.js'

/** Why a skill or one of its files was refused. */
export type SkillVerificationReason =
  /** The manifest entry itself is malformed (missing `resources`, bad digest, name ≠ last URI segment…): hosts must not load it. */
  | 'entry'
  /** The file's byte length differs from the entry's `size`. */
  | 'size'
  /** The file's SHA-256 differs from the entry's `digest`. */
  | 'digest'
  /** SKILL.md has no frontmatter, or it differs from `entry.frontmatter`. */
  | 'frontmatter'
  /** The file is not listed in the held entry. */
  | 'unlisted'
  /** The entry is `resources: 'dynamic'` (no digests) and `allowDynamic` was not set. */
  | 'dynamic-declined'

/**
 * A skill file failed verification against the manifest entry it was loaded under; its content must
 * not be used. Recover by listing again (`listSkills`, `getSkill`) and loading from the fresh entry.
 * @see https://modelcontextprotocol.io/seps/2640-skills-extension#integrity-and-verification
 */
export class SkillVerificationError extends Error {
  override readonly name = 'SkillVerificationError'
  constructor(
    readonly reason: SkillVerificationReason,
    readonly uri: string,
    message: string,
  ) {
    super(message)
  }
}

/** A loaded skill: the entry it was verified against (held for every later file read), and its SKILL.md. */
export interface LoadedSkill {
  readonly client: Client
  readonly entry: Skill
  /** SKILL.md as served. */
  readonly text: string
  readonly frontmatter: Record<string, unknown>
  /** SKILL.md after its frontmatter: the instructions. */
  readonly body: string
}

/** A supporting file of a loaded skill, verified. `text` is set when it was served as text. */
export interface SkillFile {
  readonly uri: string
  readonly mimeType?: string
  readonly bytes: Uint8Array
  readonly text?: string
}

/** Options of a request the client helpers make: `signal` aborts it (and sends `notifications/cancelled`). */
export interface SkillRequestOptions {
  signal?: AbortSignal
}

/** Options of `loadSkill`. */
export interface LoadSkillOptions extends SkillRequestOptions {
  /** Load `resources: 'dynamic'` skills, which carry no digests (their frontmatter is still compared). Off unless set. */
  allowDynamic?: boolean
}

/**
 * Every skill the server lists (`skills/list`, all pages), as manifest entries. Reads no file: a
 * skill's files are fetched only when it is loaded (`loadSkill`) or a file is read (`readSkillFile`).
 * A listing may be partial; `getSkill` fetches a skill known only by URI.
 * @throws Error when the server did not declare the Skills extension.
 */
export async function listSkills(client: Client, options: SkillRequestOptions = {}): Promise<Skill[]> {
  requireExtension(client)
  const skills: Skill[] = []
  const seen = new Set<string>()
  let cursor: string | undefined
  do {
    const result = (await client.request('skills/list', cursor === undefined ? {} : { cursor }, { signal: options.signal })) as unknown as ListSkillsResult
    if (!Array.isArray(result.skills)) throw new Error('skills/list answered without a skills array')
    skills.push(...result.skills)
    cursor = typeof result.nextCursor === 'string' && result.nextCursor !== '' ? result.nextCursor : undefined
    if (cursor !== undefined && seen.has(cursor)) throw new Error(`skills/list repeated the cursor ${JSON.stringify(cursor)}`)
    if (cursor !== undefined) seen.add(cursor)
  } while (cursor !== undefined)
  return skills
}

/**
 * The manifest entry of the skill whose SKILL.md is at `uri` (`skills/get`), listed or not; also
 * how to refresh one skill's digests after a verification failure.
 * @throws Error when the server did not declare the Skills extension; McpError(-32602) for a URI it does not serve.
 */
export async function getSkill(client: Client, uri: string, options: SkillRequestOptions = {}): Promise<Skill> {
  requireExtension(client)
  const result = (await client.request('skills/get', { uri }, { signal: options.signal })) as unknown as GetSkillResult
  if (typeof result.skill !== 'object' || result.skill === null) throw new Error(`skills/get answered without a skill for ${uri}`)
  return result.skill
}

/**
 * Loads a skill: reads its SKILL.md and verifies it against `entry` — byte length, SHA-256, and its
 * frontmatter field by field (absent equals `null`) — before returning it. Nothing else is read.
 * @throws SkillVerificationError when the entry is malformed or the file does not match it; the content is not returned.
 */
export async function loadSkill(client: Client, entry: Skill, options: LoadSkillOptions = {}): Promise<LoadedSkill> {
  checkEntry(entry)
  if (entry.resources === 'dynamic' && !options.allowDynamic) throw new SkillVerificationError('dynamic-declined', entry.uri, `${entry.uri} is a dynamic skill (no digests); pass allowDynamic to load it`)
  const { bytes, text } = await readVerified(client, entry, entry.uri, options.signal)
  const source = text ?? new TextDecoder().decode(bytes)
  const parsed = parseFrontmatter(source)
  if (!parsed) throw new SkillVerificationError('frontmatter', entry.uri, `${entry.uri} has no YAML frontmatter to compare with its entry`)
  const differences = frontmatterDifferences(parsed.frontmatter, entry.frontmatter)
  if (differences.length > 0) throw new SkillVerificationError('frontmatter', entry.uri, `${entry.uri}: frontmatter differs from its entry in ${differences.join(', ')}`)
  return { client, entry, text: source, frontmatter: parsed.frontmatter, body: parsed.body }
}

/**
 * Reads a supporting file of a loaded skill by its path relative to the skill root
 * (`references/FORMS.md`), only if the held entry lists it, and verifies its size and digest.
 * @throws SkillVerificationError `unlisted` (nothing is read), `size` or `digest`.
 */
export async function readSkillFile(loaded: LoadedSkill, relativePath: string, options: SkillRequestOptions = {}): Promise<SkillFile> {
  const root = loaded.entry.uri.slice(0, -'/SKILL.md'.length)
  const segments = relativePath.replace(/^\.\//, '').split('/')
  const uri = `${root}/${segments.map(encodeURIComponent).join('/')}`
  if (segments.some((s) => s === '' || s === '.' || s === '..')) throw new SkillVerificationError('unlisted', uri, `${relativePath} is not a path within ${root}`)
  if (loaded.entry.resources !== 'dynamic' && !loaded.entry.resources.some((r) => r.uri === uri)) throw new SkillVerificationError('unlisted', uri, `${uri} is not listed in the entry ${loaded.entry.uri} was loaded from`)
  const { bytes, text, mimeType } = await readVerified(loaded.client, loaded.entry, uri, options.signal)
  return { uri, bytes, ...(mimeType !== undefined && { mimeType }), ...(text !== undefined && { text }) }
}

function requireExtension(client: Client): void {
  if (!client.getServerExtension(SKILLS_EXTENSION_ID)) throw new Error(`The server did not declare the ${SKILLS_EXTENSION_ID} extension; it serves no skills`)
}

const DIGEST = /^sha256:[0-9a-f]{64}$/

/** Hosts must not load an entry that breaks the manifest's rules. */
function checkEntry(entry: Skill): void {
  const refuse = (why: string) => new SkillVerificationError('entry', String(entry?.uri), `Invalid skill entry ${String(entry?.uri)}: ${why}`)
  if (typeof entry?.uri !== 'string' || !entry.uri.endsWith('/SKILL.md')) throw refuse('uri is not a SKILL.md URI')
  const fm = entry.frontmatter
  if (typeof fm !== 'object' || fm === null || typeof fm.name !== 'string' || typeof fm.description !== 'string') throw refuse('frontmatter needs name and description')
  if (entry.uri.split('/').at(-2) !== fm.name) throw refuse(`the URI's last segment is not ${JSON.stringify(fm.name)}`)
  if (entry.resources === 'dynamic') return
  if (!Array.isArray(entry.resources)) throw refuse("resources is neither an array nor 'dynamic'")
  const root = entry.uri.slice(0, -'SKILL.md'.length)
  for (const r of entry.resources as unknown[]) {
    const file = r as Partial<SkillResource>
    if (typeof file?.uri !== 'string' || (file.uri !== entry.uri && !file.uri.startsWith(root))) throw refuse(`${String(file?.uri)} is outside the skill`)
    if (typeof file.digest !== 'string' || !DIGEST.test(file.digest)) throw refuse(`${file.uri} has no sha256 digest`)
    if (!Number.isInteger(file.size) || file.size! < 0) throw refuse(`${file.uri} has no size`)
  }
  if (!entry.resources.some((r) => r.uri === entry.uri)) throw refuse('resources does not list SKILL.md')
}

/** Reads one file of `entry` and checks it against its listing (size first, then digest); a dynamic entry has none to check. */
async function readVerified(client: Client, entry: Skill, uri: string, signal: AbortSignal | undefined): Promise<{ bytes: Uint8Array; text?: string; mimeType?: string }> {
  const listed = entry.resources === 'dynamic' ? undefined : entry.resources.find((r) => r.uri === uri)
  const { contents } = await client.readResource({ uri }, { signal })
  const content = contents.find((c) => c.uri === uri) ?? contents[0]
  if (!content) throw new SkillVerificationError('size', uri, `${uri} was served with no contents`)
  const text = 'text' in content && typeof content.text === 'string' ? content.text : undefined
  const bytes = text !== undefined ? Buffer.from(text, 'utf8') : Buffer.from('blob' in content && typeof content.blob === 'string' ? content.blob : '', 'base64')
  if (listed) {
    if (bytes.byteLength !== listed.size) throw new SkillVerificationError('size', uri, `${uri} is ${bytes.byteLength} bytes; its entry says ${listed.size}`)
    if (digestOf(bytes) !== listed.digest) throw new SkillVerificationError('digest', uri, `${uri} does not match its entry's digest ${listed.digest}`)
  }
  return { bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), ...(text !== undefined && { text }), ...(content.mimeType !== undefined && { mimeType: content.mimeType }) }
}
