import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { JSONRPCPayload } from '../jsonrpc/messages.js'
import { InMemoryTransport } from './in-memory.js'
import { validateAgainstSpec, withSchemaCheck } from './schema-check.js'
import { specDir, specPath } from './spec-dir.js'

/** A checked server-side transport linked to a raw client side whose traffic the test drives. */
async function linked(revision: Parameters<typeof withSchemaCheck>[1]) {
  const [client, server] = InMemoryTransport.createLinkedPair()
  const checked = withSchemaCheck(server, revision)
  const atServer: JSONRPCPayload[] = []
  const atClient: JSONRPCPayload[] = []
  let arrived: () => void = () => {}
  checked.onmessage = (m) => {
    atServer.push(m)
    arrived()
  }
  client.onmessage = (m) => atClient.push(m)
  await Promise.all([client.start(), checked.start()])
  /** Sends from the client and waits until the checked side has it. */
  const ask = async (m: JSONRPCPayload) => {
    const got = new Promise<void>((r) => (arrived = r))
    await client.send(m)
    await got
  }
  const settle = () => new Promise((r) => setTimeout(r, 0))
  return { client, checked, atServer, atClient, ask, settle }
}

const toolsList = { jsonrpc: '2.0', id: 1, method: 'tools/list' } as const

describe('withSchemaCheck', () => {
  it('refuses a tools/list result whose tool lacks inputSchema, and records why', async () => {
    const { checked, ask, atClient, settle } = await linked('2025-11-25')
    await ask(toolsList)
    await expect(checked.send({ jsonrpc: '2.0', id: 1, result: { tools: [{ name: 'broken' }] } })).rejects.toThrow(/ListToolsResult/)
    expect(checked.violations).toHaveLength(1)
    expect(checked.violations[0]).toMatchObject({ revision: '2025-11-25', def: 'ListToolsResult' })
    expect(checked.violations[0]!.errors).toContainEqual({ path: '/tools/0', message: expect.stringContaining('inputSchema') })
    await settle()
    expect(atClient).toEqual([])
  })

  it('passes a valid result on to the peer unchanged', async () => {
    const { checked, ask, atClient, settle } = await linked('2025-11-25')
    await ask(toolsList)
    const answer = { jsonrpc: '2.0' as const, id: 1, result: { tools: [{ name: 'ok', inputSchema: { type: 'object' } }] } }
    await checked.send(answer)
    await settle()
    expect(atClient).toEqual([answer])
    expect(checked.violations).toEqual([])
  })

  it('checks outbound requests and notifications against their method’s definition', async () => {
    const { checked } = await linked('2025-11-25')
    await expect(checked.send({ jsonrpc: '2.0', id: 5, method: 'sampling/createMessage', params: { messages: [] } })).rejects.toThrow()
    await expect(checked.send({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 1 } })).rejects.toThrow()
    await checked.send({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 1, progress: 1 } })
    expect(checked.violations.map((v) => v.def)).toEqual(['CreateMessageRequest', 'ProgressNotification'])
  })

  it('checks only the envelope of methods the revision does not define', async () => {
    const { checked } = await linked('2025-11-25')
    await checked.send({ jsonrpc: '2.0', id: 6, method: 'com.example/custom', params: { anything: true } })
    await expect(checked.send({ jsonrpc: '2.0', id: 7 } as unknown as JSONRPCPayload)).rejects.toThrow(/JSONRPCMessage/)
  })

  it('follows a revision that becomes known later, falling back to the send option before that', async () => {
    let negotiated: string | undefined
    const { checked, ask } = await linked(() => negotiated)
    const cancelWithoutId = { jsonrpc: '2.0' as const, method: 'notifications/cancelled', params: { reason: 'bye' } }
    await expect(checked.send(cancelWithoutId, { protocolVersion: '2025-06-18' })).rejects.toThrow(/2025-06-18 CancelledNotification/)
    await checked.send(cancelWithoutId) // the latest legacy revision allows it
    negotiated = '2024-11-05'
    await expect(checked.send(cancelWithoutId)).rejects.toThrow(/2024-11-05/)
    await ask({ jsonrpc: '2.0', id: 9, method: 'ping' })
    await checked.send({ jsonrpc: '2.0', id: 9, result: {} })
    expect(checked.violations.map((v) => v.revision)).toEqual(['2025-06-18', '2024-11-05'])
  })

  it('allows a batch in 2025-03-26 and refuses one in 2025-06-18', async () => {
    const batch = [
      { jsonrpc: '2.0' as const, method: 'notifications/tools/list_changed' },
      { jsonrpc: '2.0' as const, method: 'notifications/prompts/list_changed' },
    ]
    const old = await linked('2025-03-26')
    await old.checked.send(batch)
    const newer = await linked('2025-06-18')
    await expect(newer.checked.send(batch)).rejects.toThrow(/JSONRPCMessage/)
  })

  it('expects a CreateTaskResult for a task-augmented request', async () => {
    const { checked, ask } = await linked('2025-11-25')
    await ask({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'slow', task: { ttl: 1000 } } })
    await expect(checked.send({ jsonrpc: '2.0', id: 2, result: { content: [] } })).rejects.toThrow(/CreateTaskResult/)
    await ask({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'slow', task: {} } })
    const task = { taskId: 't', status: 'working', createdAt: '2025-11-25T10:00:00Z', lastUpdatedAt: '2025-11-25T10:00:00Z', ttl: null }
    await checked.send({ jsonrpc: '2.0', id: 3, result: { task } })
  })

  it('holds 2026-07-28 results to their own definition, or to InputRequiredResult when they say so', async () => {
    const { checked, ask } = await linked('2026-07-28')
    const _meta = { 'io.modelcontextprotocol/protocolVersion': '2026-07-28', 'io.modelcontextprotocol/clientCapabilities': {} }
    await ask({ jsonrpc: '2.0', id: 'r1', method: 'resources/read', params: { _meta, uri: 'file:///a' } })
    // The spec's own ReadResourceResultResponse would let this through its loose InputRequiredResult branch.
    await expect(
      checked.send({ jsonrpc: '2.0', id: 'r1', result: { resultType: 'complete', contents: [{ uri: 'file:///a', text: 'a' }] } }),
    ).rejects.toThrow(/ReadResourceResult/)
    await ask({ jsonrpc: '2.0', id: 'r2', method: 'resources/read', params: { _meta, uri: 'file:///a' } })
    await checked.send({ jsonrpc: '2.0', id: 'r2', result: { resultType: 'input_required', requestState: 's' } })
    expect(checked.violations.map((v) => v.errors.map((e) => e.message)).flat()).toEqual(
      expect.arrayContaining([expect.stringContaining('ttlMs'), expect.stringContaining('cacheScope')]),
    )
  })

  it('holds a 2026-07-28 result of an extension result type (a SEP-2663 task) to Result only, as the official referee does', async () => {
    const { checked, ask } = await linked('2026-07-28')
    const _meta = { 'io.modelcontextprotocol/protocolVersion': '2026-07-28', 'io.modelcontextprotocol/clientCapabilities': {} }
    await ask({ jsonrpc: '2.0', id: 't1', method: 'tools/call', params: { _meta, name: 'slow' } })
    await checked.send({ jsonrpc: '2.0', id: 't1', result: { resultType: 'task', taskId: 't', status: 'working', createdAt: '2026-07-28T10:00:00Z', lastUpdatedAt: '2026-07-28T10:00:00Z', ttlMs: null } })
    expect(checked.violations).toEqual([])
  })

  it('keeps the wrapped transport’s own members and private state working', async () => {
    const { client, checked, settle } = await linked('2025-11-25')
    checked.messageInfo = { sessionId: 's-1' }
    const seen: unknown[] = []
    checked.onmessage = (_m, info) => seen.push(info)
    await client.send({ jsonrpc: '2.0', method: 'notifications/initialized' })
    await settle()
    expect(seen).toEqual([{ sessionId: 's-1' }])
    let closed = false
    checked.onclose = () => (closed = true)
    await checked.close()
    expect(closed).toBe(true)
  })

  it('fails clearly when there is no schema for the revision', async () => {
    const [, server] = InMemoryTransport.createLinkedPair()
    const checked = withSchemaCheck(server, '1999-01-01')
    await expect(checked.send({ jsonrpc: '2.0', method: 'x' })).rejects.toThrow(/No schema for revision 1999-01-01/)
  })
})

describe('validateAgainstSpec', () => {
  it('returns no errors for a valid message and readable errors for an invalid one', () => {
    expect(validateAgainstSpec({ jsonrpc: '2.0', id: 1, method: 'ping' }, '2024-11-05')).toEqual([])
    const errors = validateAgainstSpec({ name: 'x' }, '2025-06-18', 'Tool')
    expect(errors).toEqual([{ path: '', message: expect.stringContaining('inputSchema') }])
  })

  it('maps the error and result response names to the ones each revision uses', () => {
    const error = { jsonrpc: '2.0', id: 1, error: { code: -32601, message: 'Method not found' } }
    const result = { jsonrpc: '2.0', id: 1, result: {} }
    for (const revision of ['2024-11-05', '2025-03-26', '2025-06-18', '2025-11-25', '2026-07-28']) {
      expect(validateAgainstSpec(error, revision, 'JSONRPCErrorResponse'), revision).toEqual([])
      expect(validateAgainstSpec(error, revision, 'JSONRPCError'), revision).toEqual([])
    }
    expect(validateAgainstSpec(result, '2025-06-18', 'JSONRPCResultResponse')).toEqual([])
    expect(validateAgainstSpec({ ...result, result: { resultType: 'complete' } }, '2026-07-28', 'JSONRPCResultResponse')).toEqual([])
  })

  it('throws for a definition the revision does not have', () => {
    expect(() => validateAgainstSpec({}, '2025-06-18', 'Task')).toThrow(/2025-06-18 defines no Task/)
  })

  it('reads the schemas from a folder given as specDir', () => {
    expect(() => validateAgainstSpec({}, '2025-11-25', 'Result', { specDir: '/nonexistent' })).toThrow(/\/nonexistent/)
  })
})

// Users of the npm package have no spec checkout: the schemas must come from inside the package.
describe('the official schemas shipped with the package', () => {
  const pkg = JSON.parse(readFileSync(join(specDir(), '..', 'package.json'), 'utf8')) as { name: string; files: string[] }

  it('are the default, read from the package root\'s own spec/ folder', () => {
    expect(pkg.name).toBe('@plugboard/protocol')
    expect(validateAgainstSpec({ jsonrpc: '2.0', id: 1, method: 'ping' }, '2025-11-25')).toEqual([])
  })

  it.each(['2024-11-05', '2025-03-26', '2025-06-18', '2025-11-25', '2026-07-28'])('include %s', (revision) => {
    expect(existsSync(specPath(revision))).toBe(true)
  })

  it('are published, with their licence', () => {
    expect(pkg.files).toEqual(expect.arrayContaining(['spec/*/schema.json', 'spec/LICENSE']))
  })
})
