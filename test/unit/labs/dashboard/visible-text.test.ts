import { visibleText } from '../../../../labs/dashboard/visible-text';

describe('visibleText: a post as inert text', () => {
  it('writes out ESC sequences, C1 controls and bidi controls as escapes', () => {
    expect(visibleText('a\x1b[2Jb\x07\u009bc')).toBe('a\\x1b[2Jb\\x07\\x9bc');
    expect(visibleText('x\u202eevil\u202c \u2066i\u2069 \u200fm\u200e\u061c')).toBe(
      'x\\u202eevil\\u202c \\u2066i\\u2069 \\u200fm\\u200e\\u061c',
    );
  });

  it('keeps markup as the characters it is (the page sets it as text)', () => {
    expect(visibleText('<img src=x onerror=alert(1)>')).toBe('<img src=x onerror=alert(1)>');
  });

  it('folds line breaks and cuts long text, saying so', () => {
    expect(visibleText('a\n\tb')).toBe('a b');
    const shown = visibleText('x'.repeat(600));
    expect(shown).toHaveLength(500);
    expect(shown.endsWith('…')).toBe(true);
  });
});
