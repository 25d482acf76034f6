// The `snowflake-cortex` language-model provider: lists the chosen connection's Cortex models and streams their
// answers into the editor's chat. A thin adapter: conversion lives in src/core/cortex, transport in CortexClient.
import * as vscode from 'vscode';
import type { ConnectionProfile } from '../../core/auth/types';
import type { CortexClient } from '../../core/cortex/cortexClient';
import { toCortexRequest } from '../../core/cortex/convert/requestConverter';
import { estimateMessageTokens, estimateTextTokens } from '../../core/cortex/tokenEstimate';
import type { CortexModel } from '../../core/cortex/types';
import { SnowflakeExtError, isCancelled, toExtError } from '../../core/shared/errors';
import { signInPromptOf } from '../../core/auth/signInText';
import type { Logger } from '../../core/shared/logger';
import { showError, toAbortSignal } from '../runCommand';
import { fromVscodeMessage, fromVscodeMessages, toChatTools, toVscodePart } from './messageMapping';

export const CORTEX_VENDOR = 'snowflake-cortex';
/** Answers are capped here unless the caller asks otherwise: Cortex's own default (4,096) cuts long SQL. */
const DEFAULT_MAX_TOKENS = 8_192;

export interface CortexModelInformation extends vscode.LanguageModelChatInformation {
  /** The connection whose identity serves this model. */
  readonly connection: string;
}

export interface CortexProviderEnv {
  readonly client: CortexClient;
  readonly log: Logger;
  /** The connection chosen for Cortex now (setting, Workbench, default); undefined when there is none. */
  chosenConnection(): Promise<ConnectionProfile | undefined>;
  connectionNamed(name: string): Promise<ConnectionProfile | undefined>;
}

export function toModelInformation(
  m: CortexModel,
  profile: ConnectionProfile,
  fallback: boolean,
): CortexModelInformation {
  return {
    id: m.id,
    name: m.name,
    family: m.family,
    version: '1',
    maxInputTokens: m.maxInputTokens,
    maxOutputTokens: m.maxOutputTokens,
    capabilities: { toolCalling: m.toolCalling, imageInput: false },
    detail: `Snowflake · ${profile.name}`,
    tooltip: `Snowflake Cortex model ${m.id}, used with connection '${profile.name}'.${fallback ? " (Built-in list: the account's model list was unavailable.)" : ''}`,
    connection: profile.name,
  };
}

export class CortexChatProvider implements vscode.LanguageModelChatProvider<CortexModelInformation>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeLanguageModelChatInformation = this.changed.event;

  constructor(private readonly env: CortexProviderEnv) {}

  /** Connections, credentials or the setting changed: the editor asks for the models again. */
  refresh(): void {
    this.env.client.clearModelCache();
    this.changed.fire();
  }

  dispose(): void {
    this.changed.dispose();
  }

  async provideLanguageModelChatInformation(
    options: vscode.PrepareLanguageModelChatModelOptions,
    token: vscode.CancellationToken,
  ): Promise<CortexModelInformation[]> {
    const signal = toAbortSignal(token);
    try {
      const profile = await this.env.chosenConnection();
      if (!profile) {
        if (!options.silent) void explainNoConnection();
        return [];
      }
      const { models, source } = await this.env.client.listModels(profile, signal, options.silent);
      return models.map((m) => toModelInformation(m, profile, source === 'fallback'));
    } catch (err) {
      if (isCancelled(err)) return [];
      // Silent listing (the editor starting up, the model picker refreshing) must not pop dialogs.
      this.env.log.warn(`Snowflake Cortex models: ${toExtError(err).userText}`);
      if (!options.silent) void showError(this.env.log, err, 'Snowflake Cortex models');
      return [];
    }
  }

  async provideLanguageModelChatResponse(
    model: CortexModelInformation,
    messages: readonly vscode.LanguageModelChatRequestMessage[],
    options: vscode.ProvideLanguageModelChatResponseOptions,
    progress: vscode.Progress<vscode.LanguageModelResponsePart>,
    token: vscode.CancellationToken,
  ): Promise<void> {
    const signal = toAbortSignal(token);
    const mo = options.modelOptions ?? {};
    const request = toCortexRequest(model.id, fromVscodeMessages(messages), {
      tools: toChatTools(options.tools),
      toolMode: options.toolMode === vscode.LanguageModelChatToolMode.Required ? 'required' : 'auto',
      maxTokens: numberOption(mo.max_tokens) ?? Math.min(model.maxOutputTokens, DEFAULT_MAX_TOKENS),
      ...(numberOption(mo.temperature) !== undefined ? { temperature: numberOption(mo.temperature) } : {}),
      ...(numberOption(mo.top_p) !== undefined ? { topP: numberOption(mo.top_p) } : {}),
    });
    let connection: string | undefined;
    try {
      const profile =
        (model.connection ? await this.env.connectionNamed(model.connection) : undefined) ??
        (await this.env.chosenConnection());
      connection = profile?.name;
      if (!profile)
        throw new SnowflakeExtError('config', 'No Snowflake connection is available for Cortex.', {
          text: 'Add a connection, or set positSnowflake.cortex.connection.',
          command: 'positSnowflake.addConnection',
          commandTitle: 'Add Connection',
        });
      const summary = await this.env.client.complete(profile, request, {
        signal,
        onPart: (p) => {
          const part = toVscodePart(p);
          if (part) progress.report(part);
        },
      });
      if (summary.usage)
        this.env.log.debug(
          `Cortex ${model.id}: ${summary.usage.promptTokens} prompt + ${summary.usage.completionTokens} completion tokens`,
        );
    } catch (err) {
      if (isCancelled(err) || token.isCancellationRequested) return;
      // A sign-in that expired (or none yet): the answer says so with a link, and a notification offers the button.
      const prompt = signInPromptOf(err);
      if (prompt) {
        const args = encodeURIComponent(JSON.stringify(connection ? [connection] : []));
        progress.report(
          new vscode.LanguageModelTextPart(`${prompt.message} [${prompt.title}](command:${prompt.command}?${args})`),
        );
        void vscode.window.showWarningMessage(prompt.message, prompt.title).then((choice) => {
          if (choice === prompt.title) void vscode.commands.executeCommand(prompt.command, connection);
        });
        return;
      }
      const e = toExtError(err);
      this.env.log.error(`Cortex ${model.id}: ${e.userText}`);
      // The chat shows the thrown message: include what to do.
      throw new Error(e.userText, { cause: err });
    }
  }

  async provideTokenCount(
    _model: CortexModelInformation,
    text: string | vscode.LanguageModelChatRequestMessage,
  ): Promise<number> {
    return typeof text === 'string' ? estimateTextTokens(text) : estimateMessageTokens(fromVscodeMessage(text));
  }
}

function numberOption(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

async function explainNoConnection(): Promise<void> {
  const choice = await vscode.window.showInformationMessage(
    'Snowflake Cortex models need a Snowflake connection. Add one (or open a Posit Workbench session with Snowflake credentials), or choose one in the setting positSnowflake.cortex.connection.',
    'Add Connection',
    'Open Settings',
  );
  if (choice === 'Add Connection') await vscode.commands.executeCommand('positSnowflake.addConnection');
  else if (choice === 'Open Settings')
    await vscode.commands.executeCommand('workbench.action.openSettings', 'positSnowflake.cortex.connection');
}
