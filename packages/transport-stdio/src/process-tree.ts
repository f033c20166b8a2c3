import { spawn, type ChildProcess } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'

/**
 * Sends `signal` to a child and everything in its process group. On POSIX the child was
 * spawned `detached`, so it leads a group whose id is its pid and `kill(-pid)` reaches the
 * processes a wrapper (`npx`, `uvx`, a shell) started. Windows has no groups: SIGKILL becomes
 * `taskkill /T /F` (the tree), other signals go to the child alone.
 */
export function signalTree(child: ChildProcess, signal: NodeJS.Signals): void {
  const pid = child.pid
  if (pid === undefined) return
  if (process.platform !== 'win32') {
    process.kill(-pid, signal)
    return
  }
  if (signal !== 'SIGKILL') {
    child.kill(signal)
    return
  }
  spawn('taskkill', ['/pid', String(pid), '/T', '/F'], { stdio: 'ignore', windowsHide: true }).on('error', () => child.kill('SIGKILL'))
}

/** Whether any process is left in the process group `pgid` (POSIX). */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0)
    return true
  } catch (error) {
    // EPERM: members exist but are not ours to signal.
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Resolves true once `promise` settles, or false after `ms` (its timer cleared either way). */
export function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(resolve, ms, false)))
  return Promise.race([promise.then(() => true, () => true), timeout]).finally(() => clearTimeout(timer))
}

/**
 * Whether a process of the group `pgid` is still running. Unlike {@link groupAlive}, a zombie does
 * not count on Linux: it has exited and only waits for its parent — for a wrapper's orphaned
 * server that is init, which in some containers never reaps — so waiting for it to vanish from
 * the group could wait forever. Elsewhere this is `groupAlive`.
 */
export function groupRunning(pgid: number): boolean {
  if (process.platform !== 'linux') return groupAlive(pgid)
  if (!groupAlive(pgid)) return false
  let entries: string[]
  try {
    entries = readdirSync('/proc')
  } catch {
    return true
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue
    let stat: string
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
    } catch {
      continue // gone between the listing and the read
    }
    // `pid (comm) state ppid pgrp …`; comm may hold spaces and parentheses, so split after the last ')'.
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    if (Number(pgrp) === pgid && state !== 'Z' && state !== 'X') return true
  }
  return false
}

/** Polls `done` every 20 ms; resolves true when it holds, false after `ms`. For processes we cannot await. */
export async function waitUntil(done: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms
  while (!done()) {
    if (Date.now() >= deadline) return false
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  return true
}
