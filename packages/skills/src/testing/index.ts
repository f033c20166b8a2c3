/**
 * Example skills to serve in tests, and in servers made for testing clients: one place for the
 * skills package's own tests and the everything server's conformance scenarios (which the official
 * referee checks against every SHOULD — `skill://` URIs, unique valid names, no reserved
 * `io.modelcontextprotocol/` metadata keys — so these keep to all of them).
 */
import type { SkillFiles } from '../skills.js'

/** `pdf-processing/SKILL.md`: frontmatter beyond name and description, with a YAML date that must stay a string. */
export const SKILL_MD = [
  '---',
  'name: pdf-processing',
  'description: Extract text and tables from PDF files',
  'license: Apache-2.0',
  'metadata:',
  '  version: "2.1.0"',
  '  released: 2024-01-01',
  '---',
  '',
  '# PDF processing',
  '',
  'See references/FORMS.md.',
  '',
].join('\n')
/** A Markdown reference in a subdirectory (a directory listing shows `references` as `inode/directory`). */
export const FORMS_MD = '# Forms\n\nFill them field by field — carefully.\n'
/** A binary file: the first bytes of a PNG. */
export const LOGO = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff, 0x10])

/** A top-level skill with a reference in `references/` and a binary asset in `assets/`. */
export const PDF_PROCESSING: SkillFiles = { path: 'pdf-processing', files: { 'SKILL.md': SKILL_MD, 'references/FORMS.md': FORMS_MD, 'assets/logo.png': LOGO } }

/** A skill under an organisational prefix (`acme/billing/`), named by its last segment. */
export const REFUNDS: SkillFiles = { path: 'acme/billing/refunds', files: { 'SKILL.md': '---\nname: refunds\ndescription: Issue a refund\n---\nRefund in full.\n' } }
