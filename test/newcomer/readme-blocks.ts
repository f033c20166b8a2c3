// Reads a package README the way a newcomer does: the install command from its ```sh blocks and the
// example files from its ```ts blocks. A runnable block names its file on its first line,
// `// server.ts` or `// server.ts — what it does`; a block without that line is a fragment (an options
// object, a handler) and is only listed, never compiled on its own.
import { isBuiltin } from 'node:module'

/** A fenced code block: its info string's language and its text. */
export interface FencedBlock {
  lang: string
  code: string
}

/** A ```ts block that is a whole file, saved under `file`. */
export interface ExampleFile {
  file: string
  code: string
}

const fence = /^```([\w-]*)[^\n]*\n([\s\S]*?)^```[ \t]*$/gm
const shellLangs = new Set(['sh', 'bash', 'shell', 'console'])
const tsLangs = new Set(['ts', 'typescript'])
const installLine = /^\s*(?:\$\s*)?(?:npm\s+(?:install|i|add)|pnpm\s+(?:add|install|i)|yarn\s+add)\s+(.+)$/
const fileHeader = /^\/\/\s*([\w.-]+\.(?:ts|mts))(?:\s+[—–-].*)?\s*$/

/** Every fenced code block of a Markdown text, in order. */
export function fencedBlocks(markdown: string): FencedBlock[] {
  return [...markdown.matchAll(fence)].map((match) => ({ lang: (match[1] ?? '').toLowerCase(), code: match[2] ?? '' }))
}

/** The packages the README's install commands name (flags dropped), in order, without duplicates. */
export function installedPackages(markdown: string): string[] {
  const names = new Set<string>()
  for (const block of fencedBlocks(markdown)) {
    if (!shellLangs.has(block.lang)) continue
    for (const line of block.code.split('\n')) {
      const match = installLine.exec(line)
      if (!match) continue
      for (const word of (match[1] ?? '').split(/\s+/)) if (word && !word.startsWith('-') && !word.startsWith('#')) names.add(word)
    }
  }
  return [...names]
}

/** The ```ts blocks whose first line names their file; the others are returned as `fragments`. */
export function exampleFiles(markdown: string): { files: ExampleFile[]; fragments: string[] } {
  const files: ExampleFile[] = []
  const fragments: string[] = []
  for (const block of fencedBlocks(markdown)) {
    if (!tsLangs.has(block.lang)) continue
    const firstLine = block.code.split('\n', 1)[0] ?? ''
    const header = fileHeader.exec(firstLine)
    if (header?.[1]) files.push({ file: header[1], code: block.code })
    else fragments.push(firstLine)
  }
  return { files, fragments }
}

/**
 * The ```json blocks a README tells the reader to save as a file: the paragraph just before the block
 * names the file in backticks and ends with a colon ("With an `mcp.json` beside it (…):").
 */
export function dataFiles(markdown: string): ExampleFile[] {
  const files: ExampleFile[] = []
  for (const match of markdown.matchAll(fence)) {
    if ((match[1] ?? '').toLowerCase() !== 'json') continue
    const before = markdown.slice(0, match.index).trimEnd()
    const paragraph = before.slice(before.lastIndexOf('\n\n') + 1).trim()
    const named = paragraph.endsWith(':') ? /`([\w.-]+\.json)`/.exec(paragraph) : null
    if (named?.[1]) files.push({ file: named[1], code: match[2] ?? '' })
  }
  return files
}

/** The package a bare import specifier loads (`@scope/name/sub` → `@scope/name`); undefined for a relative or `node:` one. */
export function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:')) return undefined
  if (isBuiltin(specifier)) return undefined
  const parts = specifier.split('/')
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]
}

/** The module specifiers a file imports statically or with `import()` (type-only imports included). */
export function importedSpecifiers(code: string): string[] {
  const found = new Set<string>()
  for (const match of code.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"`;]*?from\s*['"]([^'"]+)['"]/g)) found.add(match[1] ?? '')
  for (const match of code.matchAll(/(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g)) found.add(match[1] ?? '')
  for (const match of code.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) found.add(match[1] ?? '')
  found.delete('')
  return [...found]
}

/** The name an install word asks for: `zod@^4` → `zod`, `@plugboard/server@1` → `@plugboard/server`. */
export function packageName(installWord: string): string {
  const at = installWord.indexOf('@', 1)
  return at === -1 ? installWord : installWord.slice(0, at)
}
