import { describe, expect, it } from 'vitest'
import { resolveCommand, resolveSpawn } from './resolve-command.js'

// Windows command resolution and cmd.exe quoting, with the platform, environment and file system
// injected, so they run (and fail) on any CI machine.

/** A Windows machine whose file system holds exactly `files` (compared case-insensitively, as NTFS does). */
function windows(files: string[], env: Record<string, string> = {}) {
  const known = new Set(files.map((f) => f.toLowerCase()))
  const looked: string[] = []
  return {
    platform: 'win32' as const,
    env: { Path: 'C:\\Windows\\system32;"C:\\Program Files\\nodejs";;C:\\Users\\me\\AppData\\Roaming\\npm', PATHEXT: '.COM;.EXE;.BAT;.CMD', ...env },
    exists: (path: string) => (looked.push(path), known.has(path.toLowerCase())),
    looked,
  }
}

describe('resolveCommand', () => {
  it('finds npx as npx.cmd in the PATH folder that has it, trying PATHEXT in order per folder', () => {
    const machine = windows(['C:\\Program Files\\nodejs\\npx.cmd', 'C:\\Users\\me\\AppData\\Roaming\\npm\\npx.exe'])
    expect(resolveCommand('npx', machine)).toBe('C:\\Program Files\\nodejs\\npx.CMD')
    expect(machine.looked.slice(0, 5)).toEqual([
      'C:\\Windows\\system32\\npx.COM',
      'C:\\Windows\\system32\\npx.EXE',
      'C:\\Windows\\system32\\npx.BAT',
      'C:\\Windows\\system32\\npx.CMD',
      'C:\\Program Files\\nodejs\\npx.COM',
    ])
  })

  it('prefers the name as given when it already has a PATHEXT extension, and reads PATH and PATHEXT case-insensitively', () => {
    const machine = windows(['C:\\tools\\node.exe', 'C:\\tools\\node.exe.cmd'], { Path: 'C:\\tools', PATHEXT: '.exe;.cmd' })
    expect(resolveCommand('node.exe', machine)).toBe('C:\\tools\\node.exe')
    expect(resolveCommand('node', { ...machine, env: { path: 'C:\\tools', pathext: '.EXE' } })).toBe('C:\\tools\\node.EXE')
  })

  it('gives a path without an extension one, leaves a found path alone, and never searches the current folder', () => {
    const machine = windows(['D:\\proj\\bin\\serve.bat', 'C:\\abs\\server.exe', 'evil.cmd'])
    expect(resolveCommand('D:\\proj\\bin\\serve', machine)).toBe('D:\\proj\\bin\\serve.BAT')
    expect(resolveCommand('C:/abs/server.exe', machine)).toBe('C:/abs/server.exe')
    expect(resolveCommand('evil', machine)).toBe('evil')
  })

  it('returns the command unchanged when nothing matches (spawn reports ENOENT), with the default PATHEXT when unset', () => {
    const machine = windows(['C:\\Windows\\system32\\where.exe'], { PATHEXT: '' })
    expect(resolveCommand('uvx', machine)).toBe('uvx')
    expect(resolveCommand('where', machine)).toBe('C:\\Windows\\system32\\where.EXE')
  })

  it('changes nothing on Linux and macOS', () => {
    const exists = () => true
    for (const platform of ['linux', 'darwin'] as const) {
      expect(resolveCommand('npx', { platform, env: { PATH: '/usr/bin', PATHEXT: '.CMD' }, exists })).toBe('npx')
      expect(resolveSpawn('npx', ['-y', 'a b'], { platform, exists })).toEqual({ file: 'npx', args: ['-y', 'a b'], windowsVerbatimArguments: false })
    }
  })
})

describe('resolveSpawn on Windows', () => {
  const machine = windows(['C:\\Program Files\\nodejs\\npx.cmd', 'C:\\Program Files\\nodejs\\node.exe'], { ComSpec: 'C:\\Windows\\system32\\cmd.exe' })

  it('runs an .exe directly, arguments untouched (Node quotes them)', () => {
    expect(resolveSpawn('node', ['server.js', 'a "b"'], machine)).toEqual({ file: 'C:\\Program Files\\nodejs\\node.EXE', args: ['server.js', 'a "b"'], windowsVerbatimArguments: false })
  })

  it('runs a .cmd through cmd.exe /d /v:off /s /c with every word quoted, so spaces and & stay inside their argument', () => {
    expect(resolveSpawn('npx', ['-y', '@scope/pkg', 'two words', 'a&b|c>d^e(f)!g'], machine)).toEqual({
      file: 'C:\\Windows\\system32\\cmd.exe',
      args: ['/d', '/v:off', '/s', '/c', '""C:\\Program Files\\nodejs\\npx.CMD" "-y" "@scope/pkg" "two words" "a&b|c>d^e(f)!g""'],
      windowsVerbatimArguments: true,
    })
  })

  it('doubles trailing backslashes, so a folder argument does not escape its closing quote', () => {
    const { args } = resolveSpawn('npx', ['C:\\data\\', 'C:\\x\\y', ''], machine)
    expect(args[4]).toBe('""C:\\Program Files\\nodejs\\npx.CMD" "C:\\data\\\\" "C:\\x\\y" """')
  })

  it('refuses what cmd.exe would interpret even inside quotes: ", %, line breaks', () => {
    expect(() => resolveSpawn('npx', ['pkg', 'say "hi"'], machine)).toThrow(/Cannot run "npx" with argument 2 "say \\"hi\\"": .*a double quote cannot be passed to it safely/)
    expect(() => resolveSpawn('npx', ['%PATH%'], machine)).toThrow(/argument 1 "%PATH%".*a percent sign/)
    expect(() => resolveSpawn('npx', ['a\r\ncalc.exe'], machine)).toThrow(/a line break/)
  })

  it('uses cmd.exe when ComSpec is not set, and treats .bat like .cmd', () => {
    const bat = windows(['C:\\tools\\serve.bat'], { Path: 'C:\\tools' })
    expect(resolveSpawn('serve', [], bat)).toEqual({ file: 'cmd.exe', args: ['/d', '/v:off', '/s', '/c', '""C:\\tools\\serve.BAT""'], windowsVerbatimArguments: true })
  })
})
