import { ErrorCode, type Root } from '@plugboard/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import type { Client } from '../src/index.js'
import { connectToRawServer, expectNoViolations, nextCall, rawPair, withMethod } from './raw-server.js'

const open: Client[] = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()))
})

const project: Root = { uri: 'file:///home/me/project', name: 'project' }

describe('roots', () => {
  it('declares roots.listChanged and answers roots/list from a fixed list', async () => {
    const { client, server, violations } = await connectToRawServer({ client: { roots: [project] } })
    open.push(client)
    expect(server.state.peer.capabilities).toEqual({ roots: { listChanged: true } })
    await expect(server.request('roots/list')).resolves.toEqual({ roots: [project] })
    expectNoViolations(violations)
  })

  it('asks a roots function on every roots/list', async () => {
    let calls = 0
    const { client, server } = await connectToRawServer({ client: { roots: { list: async () => [{ uri: `file:///r${++calls}` }] } } })
    open.push(client)
    await expect(server.request('roots/list')).resolves.toEqual({ roots: [{ uri: 'file:///r1' }] })
    await expect(server.request('roots/list')).resolves.toEqual({ roots: [{ uri: 'file:///r2' }] })
  })

  it('sends notifications/roots/list_changed on setRoots once connected, and serves the new list', async () => {
    const changed = nextCall()
    const { client, server, sent, violations } = await connectToRawServer({
      client: { roots: [project] },
      setup: (s) => s.setNotificationHandler('notifications/roots/list_changed', () => changed.resolve(undefined)),
    })
    open.push(client)
    const docs: Root = { uri: 'file:///home/me/docs' }
    await client.setRoots([project, docs])
    await changed.promise
    expect(withMethod(sent, 'notifications/roots/list_changed')).toHaveLength(1)
    await expect(server.request('roots/list')).resolves.toEqual({ roots: [project, docs] })
    expectNoViolations(violations)
  })

  it('declares roots when setRoots is called before connect, without notifying', async () => {
    const { client, server, sent, clientTransport } = await rawPair()
    open.push(client)
    await client.setRoots([project])
    await client.connect(clientTransport)
    expect(server.state.peer.capabilities).toEqual({ roots: { listChanged: true } })
    expect(withMethod(sent, 'notifications/roots/list_changed')).toHaveLength(0)
  })

  it('refuses setRoots on a connected client that declared no roots', async () => {
    const { client } = await connectToRawServer()
    open.push(client)
    await expect(client.setRoots([project])).rejects.toThrow(/before connect/)
  })

  it('answers -32601 to roots/list when the client declared no roots', async () => {
    const { client, server } = await connectToRawServer()
    open.push(client)
    server.state.peer.capabilities = { roots: {} }
    await expect(server.request('roots/list')).rejects.toMatchObject({ code: ErrorCode.MethodNotFound })
  })
})

describe('roots (modern era)', () => {
  it('sends no notifications/roots/list_changed on setRoots, a notification the revision does not have', async () => {
    const { client, sent, violations } = await connectToRawServer({ era: 'modern', client: { roots: [project] } })
    open.push(client)
    await client.setRoots([{ uri: 'file:///elsewhere' }])
    expect(withMethod(sent, 'notifications/roots/list_changed')).toHaveLength(0)
    expect(violations).toEqual([])
  })
})
