const ESC = String.fromCharCode(27);

/** The text without its colour codes. */
export function withoutColours(bytes: string): string {
  return bytes.replace(new RegExp(`${ESC}\\[[0-9;]*m`, 'g'), '');
}

/**
 * What a terminal shows for the bytes written to it, as far as the keeper's output goes: colours dropped,
 * `\r` + erase-line clears the current line, `\r\n` and `\n` end it.
 */
export function terminalScreen(bytes: string): string[] {
  const lines: string[] = [''];
  const plain = withoutColours(bytes);
  for (const part of plain.split(new RegExp(`(\r${ESC}\\[2K|\r?\n|\r)`))) {
    if (part === '\r\x1b[2K' || part === '\r') lines[lines.length - 1] = '';
    else if (part === '\n' || part === '\r\n') lines.push('');
    else lines[lines.length - 1] += part;
  }
  return lines;
}
