import * as z from 'zod'

/**
 * An entry of VS Code's `inputs`: a value the user is asked for when a server uses `${input:id}`
 * (an API key, a choice of region), instead of writing it into the file.
 * @see https://code.visualstudio.com/docs/reference/variables-reference#_input-variables
 */
export type ConfigInput = PromptStringInput | PickStringInput

/** `"type": "promptString"`: free text; with `password: true` it is typed without echo and kept out of every output. */
export interface PromptStringInput {
  type: 'promptString'
  id: string
  /** What to ask ("GitHub personal access token"). Default: the id. */
  description: string
  /** Taken when the answer is empty. */
  default?: string
  password: boolean
}

/** `"type": "pickString"`: one of `options` (strings, or `{ label, value }` objects in the file). */
export interface PickStringInput {
  type: 'pickString'
  id: string
  description: string
  options: Array<{ label: string; value: string }>
  /** The value picked when the answer is empty. */
  default?: string
}

/**
 * Asks the user for the value of `input`, used by the config's `servers` (named in `context`).
 * Called by `loadConfig` at most once per input and load, and only for inputs an enabled server
 * uses. It rejects to abort loading (the user cancelled, nobody is there to ask).
 */
export type InputPrompt = (input: ConfigInput, context: { servers: string[] }) => Promise<string>

const OptionSchema = z.union([z.string(), z.looseObject({ label: z.string().optional(), value: z.string() })])
const InputSchema = z.discriminatedUnion('type', [
  z.looseObject({
    type: z.literal('promptString'),
    id: z.string().min(1),
    description: z.string().optional(),
    default: z.string().optional(),
    password: z.boolean().optional(),
  }),
  z.looseObject({
    type: z.literal('pickString'),
    id: z.string().min(1),
    description: z.string().optional(),
    options: z.array(OptionSchema).min(1),
    default: z.string().optional(),
  }),
])

/**
 * The `inputs` array of a config, validated. Problems are pushed with their field
 * (`inputs[1].options`) in the config parser's wording, which `helpers` carries.
 */
export function parseInputs(
  value: unknown,
  problems: string[],
  helpers: { formatPath: (path: readonly PropertyKey[]) => string; describeIssue: (issue: z.core.$ZodRawIssue) => string | undefined },
): Map<string, ConfigInput> {
  const inputs = new Map<string, ConfigInput>()
  if (value === undefined) return inputs
  if (!Array.isArray(value)) return problems.push(`inputs: expected an array, got ${value === null ? 'null' : typeof value === 'object' ? 'an object' : `a ${typeof value}`}`), inputs
  value.forEach((raw, i) => {
    const at = ['inputs', i]
    const type = (raw as { type?: unknown } | null)?.type
    // VS Code's third kind runs an editor command, which a terminal host has no equivalent of.
    if (type === 'command') return void problems.push(`${helpers.formatPath([...at, 'type'])}: "command" inputs run a VS Code command and are not supported; use "promptString" or "pickString"`)
    if (typeof raw === 'object' && raw !== null && type !== 'promptString' && type !== 'pickString') {
      return void problems.push(`${helpers.formatPath([...at, 'type'])}: expected "promptString" or "pickString", got ${JSON.stringify(type ?? null)}`)
    }
    const parsed = InputSchema.safeParse(raw, { error: helpers.describeIssue })
    if (!parsed.success) return void problems.push(...parsed.error.issues.map((issue) => `${helpers.formatPath([...at, ...issue.path])}: ${issue.message}`))
    const data = parsed.data
    if (inputs.has(data.id)) return void problems.push(`${helpers.formatPath([...at, 'id'])}: "${data.id}" is declared twice`)
    const description = data.description ?? data.id
    if (data.type === 'promptString') {
      inputs.set(data.id, { type: 'promptString', id: data.id, description, password: data.password === true, ...(data.default === undefined ? {} : { default: data.default }) })
      return
    }
    const options = data.options.map((o) => (typeof o === 'string' ? { label: o, value: o } : { label: o.label ?? o.value, value: o.value }))
    if (data.default !== undefined && !options.some((o) => o.value === data.default)) {
      problems.push(`${helpers.formatPath([...at, 'default'])}: ${JSON.stringify(data.default)} is not one of the options`)
    }
    inputs.set(data.id, { type: 'pickString', id: data.id, description, options, ...(data.default === undefined ? {} : { default: data.default }) })
  })
  return inputs
}
