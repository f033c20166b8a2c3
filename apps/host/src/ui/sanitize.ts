/**
 * Bidirectional and invisible formatting controls: they make a terminal show text in another order
 * than it is stored ("Trojan Source", CVE-2021-42574), so a server could make a URL or an argument
 * read differently from what is sent.
 */
const FORMAT_CONTROLS = /[\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g

// Every C0 control but tab and newline, DEL, and the C1 controls (0x9b is a one-byte CSI on some terminals).
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g

/**
 * Makes text from a server or a model safe to write to the terminal: every control character
 * except newline and tab is replaced by a visible stand-in (ESC by `␛`, CR by `␍`, C1 controls
 * and bidi overrides by `<U+XXXX>`), so no escape sequence can move the cursor, clear the screen,
 * set the window title or hide text. Sequences are shown rather than stripped on purpose: the user
 * reviews what is sent on their behalf, and a stripped OSC sequence could hide text from them that
 * the model still reads. CRLF line ends become plain newlines.
 */
export function sanitize(text: string): string {
  return String(text)
    .replace(/\r\n/g, '\n')
    .replace(CONTROLS, (c) => {
      const code = c.charCodeAt(0)
      if (code < 0x20) return String.fromCharCode(0x2400 + code)
      if (code === 0x7f) return '\u2421'
      return codePoint(code)
    })
    .replace(FORMAT_CONTROLS, (c) => codePoint(c.charCodeAt(0)))
}

/**
 * {@link sanitize} for text shown on one line (a field title, an option, a tool name): newlines
 * and tabs become visible too, so a server cannot fake extra prompt lines, and the result is
 * clipped to `max` characters.
 */
export function sanitizeLine(text: string, max = 200): string {
  return clipText(sanitize(text).replace(/\n/g, '\u23ce').replace(/\t/g, ' '), max)
}

/**
 * Shortens text to `max` characters (whole code points), saying how much was left out, so a
 * hostile server cannot flood the terminal with one string.
 */
export function clipText(text: string, max: number): string {
  const chars = Array.from(text)
  if (chars.length <= max) return text
  const rest = chars.length - max
  return `${chars.slice(0, max).join('')}… (${rest} more ${rest === 1 ? 'character' : 'characters'} not shown)`
}

/**
 * Indents every line of (already sanitized) text, so multi-line server text stays visibly inside
 * the dialog it belongs to.
 */
export function indent(text: string, prefix = '  '): string {
  return text
    .split('\n')
    .map((line) => prefix + line)
    .join('\n')
}

function codePoint(code: number): string {
  return `<U+${code.toString(16).toUpperCase().padStart(4, '0')}>`
}
