// Skills (SEP-2640) in the host: /skills lists what servers offer without reading a file, and
// /skills add puts a verified SKILL.md into the model's context — against a real stdio child
// (packages/host/test/fixtures/tasks-server.mjs) with the scripted model.
import { afterEach, describe, expect, it } from 'vitest'
import type { HostApp } from '../src/app.js'
import type { ModelProvider, ModelRequest } from '../src/providers/provider.js'
import { runCommand } from '../src/ui/commands.js'
import { FIXTURE_SERVER, isRunning, scriptedHost, TASKS_SERVER } from './helpers.js'

const apps: HostApp[] = []
afterEach(async () => {
  for (const app of apps.splice(0)) {
    const pids = app.manager.statuses().map((s) => s.pid)
    await app.close()
    for (const pid of pids) if (pid) expect(isRunning(pid), `process ${pid} is still running`).toBe(false)
  }
})

const BODY = 'Group changes by kind; follow references/STYLE.md.'

async function host(env: Record<string, string> = {}) {
  const made = scriptedHost({
    servers: { jobs: { command: process.execPath, args: [TASKS_SERVER], env }, plain: { command: process.execPath, args: [FIXTURE_SERVER] } },
    script: [{ when: 'notes', reply: 'Writing them.' }],
  })
  apps.push(made.app)
  await made.app.start()
  // What the model is sent, request by request.
  const requests: ModelRequest[] = []
  const provider = made.app.provider as { complete: ModelProvider['complete'] }
  const complete = provider.complete.bind(provider)
  provider.complete = (request, onEvent) => (requests.push(request), complete(request, onEvent))
  const command = async (line: string) => {
    let out = ''
    await runCommand(line, { app: made.app, write: (text) => (out += text) })
    return out
  }
  const reads = async (): Promise<string[]> => {
    const seen = await made.app.manager.client('jobs')!.callTool({ name: 'seen', arguments: {} })
    return (seen.structuredContent as { reads: string[] }).reads
  }
  return { ...made, requests, command, reads }
}

describe('/skills', () => {
  it('lists each skill of the servers that offer them, with description and server, and reads no skill file', async () => {
    const { command, reads } = await host()
    expect(await command('/skills')).toBe('release-notes  Write release notes from merged pull requests  (jobs)\n')
    expect(await reads()).toEqual([])
  })

  it('/skills add loads the verified SKILL.md body into the context the model reads on the next turn', async () => {
    const { app, command, reads, requests } = await host()
    expect(await command('/skills add jobs release-notes')).toMatch(/^Skill release-notes of jobs is in the conversation's context \(\d+ characters, verified\)/)
    // Only SKILL.md was read: not its reference, which the model has not asked for.
    expect(await reads()).toEqual(['skill://release-notes/SKILL.md'])
    expect(app.skills).toMatchObject([{ server: 'jobs', name: 'release-notes', uri: 'skill://release-notes/SKILL.md' }])
    expect(await command('/skills')).toContain('(jobs) [in context]')

    await app.send('write the release notes')
    expect(requests[0]!.system).toContain('## Skill "release-notes" (from server "jobs", skill://release-notes/SKILL.md)')
    expect(requests[0]!.system).toContain(BODY)
    expect(requests[0]!.system).not.toContain('description: Write release notes')
    // /clear forgets it with the conversation.
    await command('/clear')
    await app.send('notes again')
    expect(requests[1]!.system).not.toContain(BODY)
  })

  it('refuses a tampered SKILL.md with the verification error, and adds nothing to the context', async () => {
    const { app, command, requests } = await host({ TASKS_TAMPER: 'SKILL.md' })
    const out = await command('/skills add jobs release-notes')
    expect(out).toMatch(/^Refused skill "release-notes" of jobs: skill:\/\/release-notes\/SKILL\.md does not match its entry's digest sha256:[0-9a-f]{64} \(check: digest\)\. Nothing was added to the context\.\n$/)
    expect(app.skills).toEqual([])
    await app.send('write the notes')
    expect(requests[0]!.system).not.toContain('Group changes by kind')
  })

  it('says clearly when the server, its skills or the skill are unknown', async () => {
    const { command } = await host()
    expect(await command('/skills add')).toBe('Usage: /skills add <server> <name>; /skills lists them.\n')
    expect(await command('/skills add nowhere release-notes')).toBe('No server named "nowhere"; servers: jobs, plain.\n')
    expect(await command('/skills add plain release-notes')).toMatch(/^Server "plain" offers no skills/)
    expect(await command('/skills add jobs changelog')).toBe('Server "jobs" has no skill "changelog"; it offers: release-notes.\n')
  })
})
