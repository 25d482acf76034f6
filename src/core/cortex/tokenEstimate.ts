// A token-count estimate for Cortex models, which publish no tokenizer we could run locally.
//
// The rule (documented in the README's Cortex section too):
//   - ASCII text: 1 token per 4 characters, rounded up (the average of the BPE tokenizers behind Claude, GPT and
//     Llama on English prose and code);
//   - other Latin, Greek, Cyrillic... (U+0080–U+2FFF): 1 token per 2 characters;
//   - CJK, emoji and everything from U+3000 up: 1 token per character (they rarely share a token);
//   - each message adds 4 tokens of role framing; a tool call counts its name and JSON input, a result its text.
// It errs a little high on purpose: the editor uses it to trim history, and trimming early beats a rejected request.
import type { ChatMessage, MessagePart } from './types';

export const MESSAGE_OVERHEAD_TOKENS = 4;

export function estimateTextTokens(text: string): number {
  let ascii = 0;
  let narrow = 0;
  let wide = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) ascii++;
    else if (c >= 0xdc00 && c <= 0xdfff)
      continue; // low surrogate: counted with its high half
    else if (c < 0x3000) narrow++;
    else wide++;
  }
  return Math.ceil(ascii / 4) + Math.ceil(narrow / 2) + wide;
}

function partTokens(part: MessagePart): number {
  switch (part.kind) {
    case 'text':
      return estimateTextTokens(part.text);
    case 'toolCall':
      return estimateTextTokens(part.name) + estimateTextTokens(JSON.stringify(part.input));
    case 'toolResult':
      return part.content.reduce((n, t) => n + estimateTextTokens(t), 0);
  }
}

export function estimateMessageTokens(message: ChatMessage): number {
  return MESSAGE_OVERHEAD_TOKENS + message.parts.reduce((n, p) => n + partTokens(p), 0);
}
