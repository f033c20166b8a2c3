import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../../', import.meta.url))
const run = promisify(execFile)

/**
 * Runs an example the way its README says (`node apps/examples/<name>/dist/<file>`, from the repository
 * root) and returns what it printed. execFile rejects on a non-zero exit, so an example whose client
 * throws, or whose server never lets it finish, fails here; the client closes its server before it exits.
 */
async function example(name: string, file = 'client.js'): Promise<{ stdout: string; stderr: string }> {
  return run(process.execPath, [`apps/examples/${name}/dist/${file}`], { cwd: root, timeout: 15_000 })
}

// Each folder of apps/examples is one feature a user looks for: a server and a small client that
// drives it over stdio. These run the built examples and check what they print.
describe('feature examples', () => {
  it('tools: lists input and output schemas, gets checked structuredContent with its text twin, and an isError result', async () => {
    const { stdout } = await example('tools')
    expect(stdout).toContain("forecast: Tomorrow's temperature in a city")
    expect(stdout).toContain('input:  {"city":{"type":"string","description":"A city name, e.g. Paris"},"unit":{"default":"C","type":"string","enum":["C","F"]}}')
    expect(stdout).toContain('output: {"city":{"type":"string"},"temperature":{"type":"number"},"unit":{"type":"string","enum":["C","F"]}}')
    expect(stdout).toContain("structuredContent: { city: 'Paris', temperature: 64, unit: 'F' }")
    expect(stdout).toContain(`text: '{"city":"Paris","temperature":64,"unit":"F"}'`)
    expect(stdout).toContain("isError: true [\n  {\n    type: 'text',\n    text: 'No forecast for Atlantis; try Paris, Oslo, Lima'")
  })

  it('resources: lists static and template resources, completes a template variable, reads one, and a missing one is an error', async () => {
    const { stdout } = await example('resources')
    expect(stdout.split('\n')).toEqual([
      'resources: notes://index notes://groceries notes://garden notes://travel',
      'templates: notes://{name}',
      'complete notes://g… → groceries, garden',
      'notes://travel: Book the night train',
      // The client speaks 2026-07-28 by default, where "not found" is -32602.
      'notes://missing: error -32602 No note named missing',
      '',
    ])
  })

  it('prompts: lists the arguments, completes one by prefix and another from the chosen one, and gets the prompt', async () => {
    const { stdout } = await example('prompts')
    expect(stdout).toBe(
      [
        'review-code(language, style?, code): Asks the model to review a piece of code',
        `language "py" → [ 'python' ]`,
        `style for python → [ 'pep8', 'black' ]`,
        'user: Review this python code against black:',
        '',
        'print( 1 )',
        '',
      ].join('\n'),
    )
  })

  it("sampling: the tool's request reaches the client's model, whose answer comes back in the result", async () => {
    const { stdout } = await example('sampling')
    expect(stdout).toContain('server asks (max 60 tokens, system: You are a terse editor.): "Summarize in one line:\\n\\nPlugboard speaks every MCP revision. It runs on Node and on fetch runtimes."')
    expect(stdout).toContain("text: 'Plugboard speaks every MCP revision. (by fake-model-1)'")
  })

  it('elicitation: an accepted form (with a default applied) subscribes, a declined one does not', async () => {
    const { stdout } = await example('elicitation')
    expect(stdout).toContain('form: Subscribe to "release notes"? fields: email, frequency, html')
    expect(stdout).toContain("text: 'Subscribed ada@example.com to release notes, daily, HTML'")
    expect(stdout).toContain('form: Subscribe to "special offers"? fields: email, frequency, html')
    expect(stdout).toContain("text: 'Not subscribed to special offers (decline)'")
  })

  it('progress: one call reports every step and finishes, the other is cancelled at its second step', async () => {
    const { stdout } = await example('progress')
    expect(stdout).toBe(
      [
        'progress 1/3: file 1 of 3',
        'progress 2/3: file 2 of 3',
        'progress 3/3: file 3 of 3',
        "[ { type: 'text', text: 'Indexed 3 files' } ]",
        'cancelled after 2 of 100: Request tools/call was cancelled',
        '',
      ].join('\n'),
    )
  })

  it('multi-server: one catalog of both servers, same-named tools kept apart, calls routed, an unknown tool an isError result', async () => {
    const { stdout, stderr } = await example('multi-server', 'host.js')
    expect(stdout).toBe(
      [
        "weather__forecast (weather): Tomorrow's temperature in a city",
        'weather__search (weather): Finds cities with a forecast',
        'notes__add_note (notes): Keeps a note',
        'notes__search (notes): Finds notes',
        'notes__add_note → Note 1 kept',
        'notes__search → Pack an umbrella for Oslo',
        'weather__search → Oslo',
        'weather__forecast → Oslo: 4 °C',
        'calendar__today → Unknown tool "calendar__today". (isError)',
        '',
      ].join('\n'),
    )
    // Both servers came up, and close() stopped both.
    for (const server of ['weather', 'notes']) {
      expect(stderr).toContain(`[${server}] ready`)
      expect(stderr).toContain(`[${server}] stopped`)
    }
  })
})
