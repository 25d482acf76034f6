// The Cortex chat vocabulary the core speaks: editor-free message/part shapes and the native REST wire format.
// The editor adapter maps vscode.LanguageModel*Part onto these and back; nothing here imports vscode.

export type ChatRole = 'system' | 'user' | 'assistant';

export interface TextPart {
  readonly kind: 'text';
  readonly text: string;
}

export interface ToolCallPart {
  readonly kind: 'toolCall';
  readonly callId: string;
  readonly name: string;
  readonly input: Readonly<Record<string, unknown>>;
}

export interface ToolResultPart {
  readonly kind: 'toolResult';
  readonly callId: string;
  /** Text pieces of the result; the adapter flattens non-text pieces to text (e.g. JSON). */
  readonly content: readonly string[];
  readonly isError?: boolean;
}

/** Model reasoning ("thinking") text; the editor API of 1.104 has no part for it, so the adapter may drop it. */
export interface ReasoningPart {
  readonly kind: 'reasoning';
  readonly text: string;
}

export interface UsagePart {
  readonly kind: 'usage';
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly totalTokens: number;
}

export type MessagePart = TextPart | ToolCallPart | ToolResultPart;
export type ResponsePart = TextPart | ToolCallPart | ReasoningPart | UsagePart;

export interface ChatMessage {
  readonly role: ChatRole;
  readonly parts: readonly MessagePart[];
}

export interface ChatTool {
  readonly name: string;
  readonly description: string;
  /** JSON schema of the input object. */
  readonly inputSchema?: object;
}

export type ToolMode = 'auto' | 'required';

export interface ChatRequestOptions {
  readonly tools?: readonly ChatTool[];
  readonly toolMode?: ToolMode;
  readonly maxTokens?: number;
  readonly temperature?: number;
  readonly topP?: number;
}

// ---- native wire format: POST /api/v2/cortex/inference:complete (cortex-inference.yaml) ----------------------

export interface CortexTextContent {
  readonly type: 'text';
  readonly text: string;
}

export interface CortexToolUseContent {
  readonly type: 'tool_use';
  readonly tool_use: {
    readonly tool_use_id: string;
    readonly name: string;
    readonly input: Readonly<Record<string, unknown>>;
  };
}

export interface CortexToolResultsContent {
  readonly type: 'tool_results';
  readonly tool_results: {
    readonly tool_use_id: string;
    readonly name: string;
    readonly content: readonly CortexTextContent[];
    readonly status?: 'error';
  };
}

export type CortexContent = CortexTextContent | CortexToolUseContent | CortexToolResultsContent;

export interface CortexMessage {
  readonly role: ChatRole;
  readonly content?: string;
  readonly content_list?: readonly CortexContent[];
}

export interface CortexToolSpec {
  readonly tool_spec: {
    readonly type: 'generic';
    readonly name: string;
    readonly description: string;
    readonly input_schema: object;
  };
}

export type CortexToolChoice =
  { readonly type: 'auto' | 'required' | 'none' } | { readonly type: 'tool'; readonly name: readonly string[] };

export interface CortexRequest {
  readonly model: string;
  readonly messages: readonly CortexMessage[];
  readonly stream: boolean;
  readonly max_tokens?: number;
  readonly temperature?: number;
  readonly top_p?: number;
  readonly tools?: readonly CortexToolSpec[];
  readonly tool_choice?: CortexToolChoice;
}

/** One `data:` frame of the stream. Fields are optional because models differ in what they send. */
export interface CortexStreamChunk {
  readonly id?: string;
  readonly model?: string;
  readonly choices?: readonly {
    readonly delta?: CortexDelta;
    readonly message?: CortexDelta;
    readonly finish_reason?: string | null;
  }[];
  readonly usage?: {
    readonly prompt_tokens?: number;
    readonly completion_tokens?: number;
    readonly total_tokens?: number;
  };
  /** Present when the frame is an error ({message, code, request_id}). */
  readonly message?: string;
  readonly code?: string | number;
  readonly request_id?: string;
}

export interface CortexDelta {
  readonly type?: string;
  readonly content?: string;
  readonly text?: string;
  readonly tool_use_id?: string;
  readonly name?: string;
  readonly input?: string | Readonly<Record<string, unknown>>;
  readonly content_list?: readonly CortexDeltaContent[];
}

export interface CortexDeltaContent {
  readonly type?: string;
  readonly text?: string;
  readonly tool_use_id?: string;
  readonly name?: string;
  readonly input?: string | Readonly<Record<string, unknown>>;
  readonly tool_use?: {
    readonly tool_use_id?: string;
    readonly name?: string;
    readonly input?: string | Readonly<Record<string, unknown>>;
  };
}

/** A Cortex model as the picker shows it. */
export interface CortexModel {
  readonly id: string;
  readonly name: string;
  readonly family: string;
  readonly maxInputTokens: number;
  readonly maxOutputTokens: number;
  readonly toolCalling: boolean;
}
