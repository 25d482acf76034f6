// Maps the editor's language-model messages and parts onto the core's chat shapes and back. Parts are recognised by
// class and, failing that, by shape: another extension's parts reach us as plain objects in some hosts.
import * as vscode from 'vscode';
import type { ChatMessage, ChatRole, ChatTool, MessagePart, ResponsePart } from '../../core/cortex/types';

/** LanguageModelChatMessageRole.System (3) is still a proposed API in 1.104 but reaches providers. */
const SYSTEM_ROLE = 3;

export function fromVscodeMessages(messages: readonly vscode.LanguageModelChatRequestMessage[]): ChatMessage[] {
  return messages.map(fromVscodeMessage);
}

export function fromVscodeMessage(m: vscode.LanguageModelChatRequestMessage): ChatMessage {
  const parts: MessagePart[] = [];
  for (const p of m.content) {
    const part = fromVscodePart(p);
    if (part) parts.push(part);
  }
  return { role: roleOf(m.role), parts };
}

function roleOf(role: vscode.LanguageModelChatMessageRole): ChatRole {
  if (role === vscode.LanguageModelChatMessageRole.Assistant) return 'assistant';
  if ((role as number) === SYSTEM_ROLE) return 'system';
  return 'user';
}

function fromVscodePart(p: unknown): MessagePart | undefined {
  if (p instanceof vscode.LanguageModelTextPart) return { kind: 'text', text: p.value };
  if (p instanceof vscode.LanguageModelToolCallPart)
    return { kind: 'toolCall', callId: p.callId, name: p.name, input: asObject(p.input) };
  if (p instanceof vscode.LanguageModelToolResultPart)
    return { kind: 'toolResult', callId: p.callId, content: p.content.map(resultText) };
  if (!p || typeof p !== 'object') return undefined;
  const o = p as Record<string, unknown>;
  if (typeof o.callId === 'string' && typeof o.name === 'string' && 'input' in o)
    return { kind: 'toolCall', callId: o.callId, name: o.name, input: asObject(o.input) };
  if (typeof o.callId === 'string' && Array.isArray(o.content))
    return { kind: 'toolResult', callId: o.callId, content: o.content.map(resultText) };
  if (typeof o.value === 'string') return { kind: 'text', text: o.value };
  const data = dataText(o);
  return data === undefined ? undefined : { kind: 'text', text: data };
}

/** A tool result piece as text: text parts as they are, data parts decoded when textual, anything else as JSON. */
function resultText(c: unknown): string {
  if (c instanceof vscode.LanguageModelTextPart) return c.value;
  if (c instanceof vscode.LanguageModelPromptTsxPart) return JSON.stringify(c.value);
  if (c && typeof c === 'object') {
    const o = c as Record<string, unknown>;
    if (typeof o.value === 'string') return o.value;
    const data = dataText(o);
    if (data !== undefined) return data;
  }
  return typeof c === 'string' ? c : JSON.stringify(c);
}

/** LanguageModelDataPart with a textual mime type (JSON, text/*); images are not sent (no image input). */
function dataText(o: Record<string, unknown>): string | undefined {
  if (typeof o.mimeType !== 'string' || !(o.data instanceof Uint8Array)) return undefined;
  if (!/^text\/|json|xml/.test(o.mimeType)) return undefined;
  return new TextDecoder().decode(o.data);
}

function asObject(v: unknown): Readonly<Record<string, unknown>> {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

export function toChatTools(tools: readonly vscode.LanguageModelChatTool[] | undefined): ChatTool[] | undefined {
  if (!tools || tools.length === 0) return undefined;
  return tools.map((t) => ({
    name: t.name,
    description: t.description,
    ...(t.inputSchema ? { inputSchema: t.inputSchema } : {}),
  }));
}

/** The editor part for a core response part; reasoning and usage have no stable editor part and are dropped. */
export function toVscodePart(p: ResponsePart): vscode.LanguageModelResponsePart | undefined {
  if (p.kind === 'text') return new vscode.LanguageModelTextPart(p.text);
  if (p.kind === 'toolCall') return new vscode.LanguageModelToolCallPart(p.callId, p.name, p.input as object);
  return undefined;
}
