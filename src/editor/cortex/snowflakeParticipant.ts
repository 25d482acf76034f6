// The @snowflake chat participant: answers with the chat's model when it is a Cortex model (else the account's
// default Cortex model); /sql writes SQL grounded in the tables of the schema the user is looking at, /schema explains
// one table (participantGrounding.ts). Both answers get Insert / Run Preview buttons for their SQL.
import * as vscode from 'vscode';
import type { ConnectionProfile } from '../../core/auth/types';
import type { CortexClient } from '../../core/cortex/cortexClient';
import { pickDefaultModel } from '../../core/cortex/models';
import { toCortexRequest } from '../../core/cortex/convert/requestConverter';
import { buildChatMessages, extractSql, type HistoryTurn } from '../../core/cortex/grounding/sqlPrompts';
import { SnowflakeExtError, isCancelled, toExtError } from '../../core/shared/errors';
import { signInPromptOf } from '../../core/auth/signInText';
import type { Logger } from '../../core/shared/logger';
import { toAbortSignal } from '../runCommand';
import { CORTEX_VENDOR } from './cortexChatProvider';
import { groundSql, groundTable, type Grounded, type GroundingEnv } from './participantGrounding';

export const PARTICIPANT_ID = 'positSnowflake.snowflake';
export const INSERT_SQL_COMMAND = 'positSnowflake.cortex.insertSql';
export const PREVIEW_SQL_COMMAND = 'positSnowflake.cortex.previewSql';

export interface ParticipantEnv extends GroundingEnv {
  readonly client: CortexClient;
  readonly log: Logger;
  chosenConnection(): Promise<ConnectionProfile | undefined>;
  /** Told about each answer (its full markdown), for an embedding host that observes the participant. */
  readonly record?: (entry: ParticipantRecord) => void;
}

export interface ParticipantRecord {
  readonly command?: string;
  readonly prompt: string;
  readonly model: string;
  readonly markdown: string;
  readonly sql?: string;
}

interface SnowflakeResultMetadata {
  readonly command?: string;
  readonly sql?: string;
  readonly table?: string;
}

/** Collects what the answer shows, so buttons and tests can use it. */
class Answer {
  text = '';
  constructor(private readonly stream: vscode.ChatResponseStream) {}
  markdown(value: string): void {
    this.text += value;
    this.stream.markdown(value);
  }
}

export function createSnowflakeParticipant(env: ParticipantEnv): vscode.ChatParticipant {
  const participant = vscode.chat.createChatParticipant(PARTICIPANT_ID, (request, context, stream, token) =>
    handle(env, request, context, stream, token),
  );
  participant.iconPath = new vscode.ThemeIcon('database');
  participant.followupProvider = {
    provideFollowups: (result) => followups(result.metadata as SnowflakeResultMetadata | undefined),
  };
  return participant;
}

async function handle(
  env: ParticipantEnv,
  request: vscode.ChatRequest,
  context: vscode.ChatContext,
  stream: vscode.ChatResponseStream,
  token: vscode.CancellationToken,
): Promise<vscode.ChatResult> {
  const signal = toAbortSignal(token);
  const answer = new Answer(stream);
  const command = request.command;
  let connection: string | undefined;
  try {
    const profile = await env.chosenConnection();
    connection = profile?.name;
    if (!profile) {
      answer.markdown(
        'I need a Snowflake connection to answer. Add one, or open this in a Posit Workbench session with Snowflake credentials.',
      );
      stream.button({ command: 'positSnowflake.addConnection', title: 'Add Connection' });
      return { metadata: { command } };
    }
    const model = await chooseModel(env, request.model, profile, signal);
    let grounded: Grounded | undefined;
    if (command === 'sql') grounded = await groundSql(env, profile, request.prompt, stream, signal);
    else if (command === 'schema') grounded = await groundTable(env, profile, request.prompt, stream, signal);
    if (grounded) answer.markdown(grounded.note);
    const meta: SnowflakeResultMetadata = { command, ...(grounded?.table ? { table: grounded.table } : {}) };
    if (grounded && !grounded.system) {
      env.record?.({ command, prompt: request.prompt, model, markdown: answer.text });
      return { metadata: meta };
    }
    const prompt =
      command === 'schema' ? `Explain the table ${grounded?.table ?? ''}. ${request.prompt}`.trim() : request.prompt;
    const messages = buildChatMessages(grounded?.system, historyOf(context), prompt);
    const start = answer.text.length;
    await env.client.complete(profile, toCortexRequest(model, messages, { maxTokens: 4_096 }), {
      signal,
      onPart: (p) => {
        if (p.kind === 'text') answer.markdown(p.text);
      },
    });
    const sql = command ? extractSql(answer.text.slice(start)) : undefined;
    if (sql) {
      stream.button({ command: INSERT_SQL_COMMAND, arguments: [sql], title: 'Insert into Editor' });
      stream.button({ command: PREVIEW_SQL_COMMAND, arguments: [sql, profile.name], title: 'Run Preview' });
    }
    env.record?.({ command, prompt: request.prompt, model, markdown: answer.text, ...(sql ? { sql } : {}) });
    return { metadata: { ...meta, ...(sql ? { sql } : {}) } };
  } catch (err) {
    if (isCancelled(err) || token.isCancellationRequested) return { metadata: { command } };
    // A sign-in that expired (or none yet) is an answer with a button, not an error.
    const prompt = signInPromptOf(err);
    if (prompt) {
      answer.markdown(`${answer.text ? '\n\n' : ''}${prompt.message}`);
      stream.button({ command: prompt.command, title: prompt.title, arguments: connection ? [connection] : [] });
      env.record?.({
        command,
        prompt: request.prompt,
        model: '',
        markdown: `${answer.text}\n[button] ${prompt.title}`,
      });
      return { metadata: { command } };
    }
    const e = toExtError(err);
    env.log.error(`@snowflake ${command ?? ''}: ${e.userText}`);
    env.record?.({ command, prompt: request.prompt, model: '', markdown: `${answer.text}\n[error] ${e.userText}` });
    return { errorDetails: { message: e.userText }, metadata: { command } };
  }
}

/** The chat's model when it is a Cortex model, else the account's default Cortex model. */
async function chooseModel(
  env: ParticipantEnv,
  chatModel: vscode.LanguageModelChat | undefined,
  profile: ConnectionProfile,
  signal?: AbortSignal,
): Promise<string> {
  if (chatModel?.vendor === CORTEX_VENDOR) return chatModel.id;
  const { models } = await env.client.listModels(profile, signal);
  const model = pickDefaultModel(models);
  if (!model)
    throw new SnowflakeExtError('notFound', `Connection '${profile.name}' offers no Cortex model.`, {
      text: 'Ask an administrator to allow Cortex models for your role.',
    });
  return model.id;
}

/** Earlier turns of this participant's conversation, as plain text. */
function historyOf(context: vscode.ChatContext): HistoryTurn[] {
  const turns: HistoryTurn[] = [];
  for (const turn of context.history) {
    if (turn instanceof vscode.ChatRequestTurn) turns.push({ role: 'user', text: turn.prompt });
    else if (turn instanceof vscode.ChatResponseTurn) {
      const text = turn.response
        .map((r) => (r instanceof vscode.ChatResponseMarkdownPart ? r.value.value : ''))
        .join('');
      turns.push({ role: 'assistant', text });
    }
  }
  return turns;
}

function followups(meta: SnowflakeResultMetadata | undefined): vscode.ChatFollowup[] {
  if (meta?.command === 'sql' && meta.sql) {
    return [
      { prompt: 'Explain this query step by step.', label: 'Explain the query' },
      { prompt: 'Change the query to only include the last 30 days.', label: 'Only the last 30 days', command: 'sql' },
    ];
  }
  if (meta?.command === 'schema' && meta.table) {
    return [{ prompt: `Show 10 typical rows of ${meta.table}.`, label: `Query ${meta.table}`, command: 'sql' }];
  }
  return [{ prompt: 'Which tables can I query?', label: 'Write SQL for my tables', command: 'sql' }];
}
