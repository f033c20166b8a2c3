import { isDeepStrictEqual } from 'node:util'
import { ErrorCode, McpError } from '@plugboard/protocol'
import type { CacheHint, RegisteredResource, ServerExtension } from '@plugboard/server'
import { digestOf } from './digest.js'
import { parseFrontmatter } from './frontmatter.js'
import { isSkillName, SKILL_LIMITS, SKILLS_EXTENSION_ID, type Skill, type SkillFrontmatter } from './skill.js'

/**
 * One skill, as files in memory. `path` is the skill's place under `skill://` — its name
 * (`pdf-processing`), optionally after organisational segments (`acme/billing/refunds`); `files`
 * maps each path relative to the skill root to its content, `SKILL.md` included. A string is
 * served as `text`, bytes as a base64 `blob`.
 */
export interface SkillFiles {
  readonly path: string
  readonly files: Readonly<Record<string, string | Uint8Array>>
}

/** What `skills()` serves, and how. */
export interface SkillsOptions {
  readonly skills: readonly SkillFiles[]
  /** Also serve `resources/directory/read` for every skill root and subdirectory (declared as `directoryRead: true`). */
  readonly directoryRead?: boolean
  /** Skills per `skills/list` page, and children per `resources/directory/read` page; 50 unless set. */
  readonly pageSize?: number
  /** The `ttlMs`/`cacheScope` of `skills/list` and `skills/get` results; `{ ttlMs: 0, cacheScope: 'private' }` unless set. */
  readonly cache?: CacheHint
}

/** A file as it is served: its content once, and the digest and size of exactly those bytes. */
interface ServedFile {
  readonly uri: string
  readonly name: string
  readonly mimeType: string
  readonly description?: string
  readonly text?: string
  readonly blob?: string
  readonly size: number
  readonly digest: string
}

interface DirectoryChild {
  uri: string
  name: string
  mimeType: string
  size?: number
}

const DIRECTORY = 'inode/directory'
// Unreserved URI characters only: valid as the authority (RFC 3986 reg-name) and as a path segment.
const PREFIX_SEGMENT = /^[A-Za-z0-9._~-]+$/

/**
 * The Skills extension (SEP-2640) for `server.extend()`: each skill file becomes a resource at
 * `skill://<path>/<file>` (SKILL.md as `text/markdown`, named and described by its frontmatter), and
 * `skills/list` (paginated), `skills/get` and, with `directoryRead`, `resources/directory/read` serve
 * their manifests. Everything is checked and hashed here, once: a skill whose SKILL.md lacks
 * frontmatter, whose name breaks the Agent Skills rules or differs from its path's last segment, or
 * that exceeds the spec's limits is a `TypeError` now rather than a skill no host will load. Clients
 * need not declare the extension to use it.
 * @see https://modelcontextprotocol.io/seps/2640-skills-extension
 * @example
 * server.extend(skills({
 *   skills: [{ path: 'greeting', files: { 'SKILL.md': '---\nname: greeting\ndescription: Greets people\n---\nSay hello.\n' } }],
 * }))
 */
export function skills(options: SkillsOptions): ServerExtension {
  const pageSize = options.pageSize ?? 50
  if (!Number.isInteger(pageSize) || pageSize < 1) throw new TypeError(`pageSize must be a positive integer (got ${pageSize})`)
  const files = new Map<string, ServedFile>()
  const roots: { root: string; frontmatter: SkillFrontmatter }[] = []
  for (const skill of options.skills) roots.push(addSkill(skill, files))

  const entries = roots.map(({ root, frontmatter }): Skill => {
    const uri = `${root}/SKILL.md`
    const own = [...files.values()].filter((file) => file.uri === uri || file.uri.startsWith(`${root}/`))
    const resources = [files.get(uri)!, ...own.filter((file) => file.uri !== uri)].map(({ uri, digest, size }) => ({ uri, digest, size }))
    if (resources.length > SKILL_LIMITS.resources) throw new TypeError(`Skill ${uri} has ${resources.length} files; hosts need only load ${SKILL_LIMITS.resources}`)
    const total = resources.reduce((sum, file) => sum + file.size, 0)
    if (total > SKILL_LIMITS.totalSize) throw new TypeError(`Skill ${uri} is ${total} bytes; hosts need only load ${SKILL_LIMITS.totalSize}`)
    return { uri, frontmatter, resources }
  })
  const byUri = new Map(entries.map((entry) => [entry.uri, entry]))
  const directories = options.directoryRead ? directoryTree(roots.map((r) => r.root), files) : undefined
  const cache = options.cache ?? { ttlMs: 0, cacheScope: 'private' }

  return {
    id: SKILLS_EXTENSION_ID,
    settings: options.directoryRead ? { directoryRead: true } : {},
    // Skill files are read with resources/read, so a server offering skills offers resources.
    capabilities: { resources: {} },
    methods: {
      'skills/list': {
        cache,
        handler: (params) => {
          const { items, nextCursor } = page(entries, params.cursor, pageSize)
          return nextCursor === undefined ? { skills: items } : { skills: items, nextCursor }
        },
      },
      'skills/get': {
        cache,
        handler: (params) => {
          const entry = typeof params.uri === 'string' ? byUri.get(params.uri) : undefined
          if (!entry) throw new McpError(ErrorCode.InvalidParams, `No skill is served at ${String(params.uri)}`)
          return { skill: entry }
        },
      },
      ...(directories && {
        'resources/directory/read': {
          handler: (params) => {
            const children = typeof params.uri === 'string' ? directories.get(params.uri) : undefined
            if (!children) throw new McpError(ErrorCode.InvalidParams, `${String(params.uri)} is not a directory this server serves`)
            const { items, nextCursor } = page(children, params.cursor, pageSize)
            return nextCursor === undefined ? { resources: items } : { resources: items, nextCursor }
          },
        },
      }),
    },
    setup(server) {
      const registered: RegisteredResource[] = []
      for (const file of files.values()) {
        const { uri, name, mimeType, description, size, text, blob } = file
        const content = text !== undefined ? { uri, mimeType, text } : { uri, mimeType, blob: blob! }
        registered.push(server.registerResource(name, uri, { mimeType, size, ...(description !== undefined && { description }) }, () => ({ contents: [content] })))
      }
      return () => {
        for (const resource of registered) resource.remove()
      }
    },
  }
}

/** Checks one skill and adds its files to `files`; returns its root URI and frontmatter. */
function addSkill(skill: SkillFiles, files: Map<string, ServedFile>): { root: string; frontmatter: SkillFrontmatter } {
  const segments = skill.path.split('/')
  const name = segments.at(-1)!
  if (!isSkillName(name)) throw new TypeError(`Skill path ${JSON.stringify(skill.path)}: ${JSON.stringify(name)} breaks the Agent Skills naming rules (1-64 of a-z, 0-9 and -, no leading, trailing or double hyphen)`)
  for (const segment of segments.slice(0, -1)) {
    if (!PREFIX_SEGMENT.test(segment) || segment === '.' || segment === '..') throw new TypeError(`Skill path ${JSON.stringify(skill.path)}: segment ${JSON.stringify(segment)} must be letters, digits, '-', '.', '_' or '~'`)
  }
  const root = `skill://${skill.path}`
  const source = skill.files['SKILL.md']
  if (source === undefined) throw new TypeError(`Skill ${skill.path} has no SKILL.md`)
  // SKILL.md is served as text (hosts read it as text); bytes must therefore be UTF-8, kept BOM and all.
  const text = typeof source === 'string' ? source : new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(source)
  const parsed = parseFrontmatter(text)
  if (!parsed) throw new TypeError(`${root}/SKILL.md does not begin with YAML frontmatter (a mapping between --- lines)`)
  const frontmatter = parsed.frontmatter
  if (frontmatter.name !== name) throw new TypeError(`${root}/SKILL.md: frontmatter name ${JSON.stringify(frontmatter.name)} must equal the path's last segment ${JSON.stringify(name)}`)
  if (typeof frontmatter.description !== 'string' || frontmatter.description === '') throw new TypeError(`${root}/SKILL.md: frontmatter needs a non-empty description`)
  // The manifest carries the frontmatter as JSON; hosts compare it with the file's, so it must survive JSON unchanged.
  if (!isDeepStrictEqual(JSON.parse(JSON.stringify(frontmatter)), frontmatter)) throw new TypeError(`${root}/SKILL.md: frontmatter holds values JSON cannot carry (.nan, .inf…)`)

  for (const [path, content] of Object.entries(skill.files)) {
    const uri = `${root}/${fileSegments(skill.path, path).join('/')}`
    if (files.has(uri)) throw new TypeError(`${uri} is served twice (two skills, or a skill nested in another, claim it)`)
    files.set(uri, servedFile(uri, path, path === 'SKILL.md' ? text : content, path === 'SKILL.md' ? (frontmatter as SkillFrontmatter) : undefined))
  }
  return { root, frontmatter: frontmatter as SkillFrontmatter }
}

/** A file path's URI segments, percent-encoded; rejects what would escape or blur the skill root. */
function fileSegments(skillPath: string, path: string): string[] {
  const segments = path.split('/')
  if (segments.some((s) => s === '' || s === '.' || s === '..') || path.includes('\\')) throw new TypeError(`Skill ${skillPath}: file path ${JSON.stringify(path)} must be relative, with no empty, '.' or '..' segments`)
  return segments.map(encodeURIComponent)
}

function servedFile(uri: string, path: string, content: string | Uint8Array, frontmatter?: SkillFrontmatter): ServedFile {
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content
  const base = { uri, size: bytes.byteLength, digest: digestOf(bytes) }
  if (frontmatter) return { ...base, name: frontmatter.name, description: frontmatter.description, mimeType: 'text/markdown', text: content as string }
  const mimeType = mimeTypeOf(path) ?? (typeof content === 'string' ? 'text/plain' : 'application/octet-stream')
  return typeof content === 'string' ? { ...base, name: path, mimeType, text: content } : { ...base, name: path, mimeType, blob: Buffer.from(content).toString('base64') }
}

const MIME_TYPES: Readonly<Record<string, string>> = {
  md: 'text/markdown',
  markdown: 'text/markdown',
  txt: 'text/plain',
  json: 'application/json',
  yaml: 'application/yaml',
  yml: 'application/yaml',
  toml: 'application/toml',
  xml: 'application/xml',
  html: 'text/html',
  css: 'text/css',
  csv: 'text/csv',
  js: 'text/javascript',
  mjs: 'text/javascript',
  ts: 'text/typescript',
  py: 'text/x-python',
  sh: 'application/x-sh',
  pdf: 'application/pdf',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  svg: 'image/svg+xml',
  zip: 'application/zip',
}

function mimeTypeOf(path: string): string | undefined {
  const dot = path.lastIndexOf('.')
  return dot > path.lastIndexOf('/') ? MIME_TYPES[path.slice(dot + 1).toLowerCase()] : undefined
}

/** Every directory at or below a skill root, with its direct children (subdirectories as `inode/directory`, no trailing slash). */
function directoryTree(roots: readonly string[], files: ReadonlyMap<string, ServedFile>): Map<string, DirectoryChild[]> {
  const tree = new Map<string, Map<string, DirectoryChild>>()
  for (const root of roots) {
    if (!tree.has(root)) tree.set(root, new Map())
    for (const file of files.values()) {
      if (!file.uri.startsWith(`${root}/`)) continue
      const segments = file.uri.slice(root.length + 1).split('/')
      let dir = root
      segments.forEach((segment, i) => {
        const uri = `${dir}/${segment}`
        const last = i === segments.length - 1
        const children = tree.get(dir) ?? tree.set(dir, new Map()).get(dir)!
        if (!children.has(uri)) children.set(uri, last ? { uri, name: decodeURIComponent(segment), mimeType: file.mimeType, size: file.size } : { uri, name: decodeURIComponent(segment), mimeType: DIRECTORY })
        dir = uri
      })
    }
  }
  return new Map([...tree].map(([uri, children]) => [uri, [...children.values()]]))
}

/** One page of `items` from an opaque cursor (the offset, base64url); a cursor we did not issue is `-32602`. */
function page<T>(items: readonly T[], cursor: unknown, size: number): { items: T[]; nextCursor?: string } {
  let start = 0
  if (cursor !== undefined) {
    start = typeof cursor === 'string' ? Number(Buffer.from(cursor, 'base64url').toString('utf8')) : NaN
    if (!Number.isInteger(start) || start <= 0 || start >= items.length) throw new McpError(ErrorCode.InvalidParams, `Invalid cursor ${JSON.stringify(cursor)}`)
  }
  const end = start + size
  return end < items.length ? { items: items.slice(start, end), nextCursor: Buffer.from(String(end), 'utf8').toString('base64url') } : { items: items.slice(start) }
}
