import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { SkillFiles } from './skills.js'

/**
 * Reads a folder of skills for `skills({ skills })`: every folder below `dir` holding a `SKILL.md`
 * is a skill, at its path relative to `dir` (`pdf-processing`, `acme/billing/refunds`), with every
 * file beneath it; folders without one are organisational prefixes. A skill nested in another is a
 * skill of its own (its files also count in the enclosing skill's manifest). Files in valid UTF-8
 * are served as text, the rest as bytes. Dotfiles and symbolic links are skipped: a link could
 * publish what lies outside `dir`.
 * @example
 * server.extend(skills({ skills: await skillsFromDirectory(new URL('./skills', import.meta.url)) }))
 */
export async function skillsFromDirectory(dir: string | URL): Promise<SkillFiles[]> {
  const base = dir instanceof URL ? fileURLToPath(dir) : dir
  const found: SkillFiles[] = []
  await collect(base, [], found)
  return found
}

async function collect(base: string, at: string[], found: SkillFiles[]): Promise<void> {
  const entries = (await readdir(join(base, ...at), { withFileTypes: true })).filter((e) => !e.name.startsWith('.')).sort((a, b) => (a.name < b.name ? -1 : 1))
  const subdirs = entries.filter((e) => e.isDirectory())
  if (at.length > 0 && entries.some((e) => e.isFile() && e.name === 'SKILL.md')) {
    const files: Record<string, string | Uint8Array> = {}
    const nested: SkillFiles[] = []
    await readSkillTree(base, at, [], files, nested)
    found.push({ path: at.join('/'), files }, ...nested)
    return
  }
  for (const sub of subdirs) await collect(base, [...at, sub.name], found)
}

/** Reads a skill's files into `files`, and any nested skill's into `found` as well. */
async function readSkillTree(base: string, root: string[], rel: string[], files: Record<string, string | Uint8Array>, found: SkillFiles[]): Promise<void> {
  const entries = (await readdir(join(base, ...root, ...rel), { withFileTypes: true })).filter((e) => !e.name.startsWith('.')).sort((a, b) => (a.name < b.name ? -1 : 1))
  for (const entry of entries) {
    const path = [...rel, entry.name]
    if (entry.isFile()) files[path.join('/')] = asContent(await readFile(join(base, ...root, ...path)))
    else if (entry.isDirectory()) {
      const inner = [...root, ...path]
      if ((await readdir(join(base, ...inner))).includes('SKILL.md')) {
        // A nested skill: served once, under its own path; the enclosing manifest lists its files.
        const nested: SkillFiles[] = []
        await collect(base, inner, nested)
        found.push(...nested)
      } else await readSkillTree(base, root, path, files, found)
    }
  }
}

function asContent(bytes: Buffer): string | Uint8Array {
  try {
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes)
    return text.includes('\0') ? new Uint8Array(bytes) : text
  } catch {
    return new Uint8Array(bytes)
  }
}
