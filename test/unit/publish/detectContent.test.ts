// Detection table: a project (and optionally the file the person chose) → app mode and entrypoint, per PROTOCOLS §8.
import assert from 'node:assert/strict';
import path from 'node:path';
import { detectContent } from '../../../src/core/publish/content/detectContent';
import type { AppMode } from '../../../src/core/publish/types';
import { makeProject, removeProjects, type FixtureFiles } from './projectFixture';

interface Case {
  readonly name: string;
  readonly files: FixtureFiles;
  readonly file?: string;
  readonly appmode: AppMode;
  readonly entrypoint: string;
  readonly needs?: { python?: boolean; r?: boolean; quarto?: boolean };
  readonly extra?: Record<string, unknown>;
}

const REQ = { 'requirements.txt': 'pandas\n' };

const CASES: readonly Case[] = [
  {
    name: 'static HTML',
    files: { 'index.html': '<p>hi</p>', 'style.css': 'p{}' },
    appmode: 'static',
    entrypoint: 'index.html',
    extra: { primaryHtml: 'index.html' },
  },
  {
    name: 'a chosen HTML file',
    files: { 'index.html': '<p>hi</p>', 'report.html': '<p>r</p>' },
    file: 'report.html',
    appmode: 'static',
    entrypoint: 'report.html',
  },
  {
    name: 'Quarto document',
    files: { 'report.qmd': '---\ntitle: "Sales"\n---\n\n```{python}\n1+1\n```\n', ...REQ },
    appmode: 'quarto-static',
    entrypoint: 'report.qmd',
    needs: { python: true, quarto: true },
    extra: { quartoEngines: ['jupyter'], title: 'Sales' },
  },
  {
    name: 'Quarto document, markdown only',
    files: { 'notes.qmd': '---\ntitle: Notes\n---\nJust text.\n' },
    appmode: 'quarto-static',
    entrypoint: 'notes.qmd',
    needs: { python: false, r: false, quarto: true },
    extra: { quartoEngines: ['markdown'] },
  },
  {
    name: 'Quarto website project',
    files: { '_quarto.yml': 'project:\n  type: website\n', 'index.qmd': '# Home\n', 'about.qmd': '```{r}\n1\n```\n' },
    appmode: 'quarto-static',
    entrypoint: 'index.qmd',
    needs: { r: true },
    extra: { contentCategory: 'site', quartoEngines: ['knitr'] },
  },
  {
    name: 'Quarto with Shiny',
    files: { 'dash.qmd': '---\nformat: dashboard\nserver: shiny\n---\n```{python}\n```\n', ...REQ },
    appmode: 'quarto-shiny',
    entrypoint: 'dash.qmd',
  },
  {
    name: 'Jupyter notebook',
    files: { 'analysis.ipynb': '{"cells": []}', ...REQ },
    appmode: 'jupyter-static',
    entrypoint: 'analysis.ipynb',
    needs: { python: true },
  },
  {
    name: 'Voilà (requirements name voila)',
    files: { 'dash.ipynb': '{"cells": []}', 'requirements.txt': 'voila\nipywidgets\n' },
    file: 'dash.ipynb',
    appmode: 'jupyter-voila',
    entrypoint: 'dash.ipynb',
  },
  {
    name: 'R Markdown',
    files: { 'report.Rmd': '---\ntitle: "Q3"\noutput: html_document\n---\n' },
    appmode: 'rmd-static',
    entrypoint: 'report.Rmd',
    needs: { r: true, python: false },
    extra: { primaryRmd: 'report.Rmd', title: 'Q3' },
  },
  {
    name: 'R Markdown with Shiny',
    files: { 'app.Rmd': '---\nruntime: shiny\n---\n' },
    appmode: 'rmd-shiny',
    entrypoint: 'app.Rmd',
  },
  {
    name: 'Shiny for R (app.R)',
    files: { 'app.R': 'library(shiny)\nshinyApp(ui, server)\n' },
    appmode: 'shiny',
    entrypoint: 'app.R',
    needs: { r: true },
  },
  {
    name: 'Shiny for R (ui.R + server.R)',
    files: { 'ui.R': 'fluidPage()', 'server.R': 'function(input, output) {}' },
    appmode: 'shiny',
    entrypoint: 'server.R',
  },
  {
    name: 'Plumber',
    files: { 'plumber.R': '#* @get /hello\nfunction() "hi"\n' },
    appmode: 'api',
    entrypoint: 'plumber.R',
  },
  {
    name: 'Plumber under another name',
    files: { 'api.R': '#* @apiTitle Demo\n#* @get /x\nfunction() 1\n' },
    file: 'api.R',
    appmode: 'api',
    entrypoint: 'api.R',
  },
  {
    name: 'Shiny for Python',
    files: { 'app.py': 'from shiny import App, ui\napp = App(ui.page_fluid(), None)\n', ...REQ },
    appmode: 'python-shiny',
    entrypoint: 'app:app',
    needs: { python: true },
  },
  {
    name: 'Streamlit',
    files: { 'streamlit_app.py': 'import streamlit as st\nst.write("hi")\n', ...REQ },
    appmode: 'python-streamlit',
    entrypoint: 'streamlit_app.py',
  },
  {
    name: 'Dash (imports Flask too)',
    files: {
      'app.py':
        'import dash\nfrom flask import Flask\nserver = Flask(__name__)\napp = dash.Dash(__name__, server=server)\n',
      ...REQ,
    },
    appmode: 'python-dash',
    entrypoint: 'app:app',
  },
  {
    name: 'FastAPI',
    files: { 'main.py': 'from fastapi import FastAPI\napi = FastAPI()\n', ...REQ },
    appmode: 'python-fastapi',
    entrypoint: 'main:api',
  },
  {
    name: 'Flask',
    files: { 'app.py': 'from flask import Flask\napplication = Flask(__name__)\n', ...REQ },
    appmode: 'python-api',
    entrypoint: 'app:application',
  },
  {
    name: 'Bokeh',
    files: { 'app.py': 'from bokeh.plotting import figure, curdoc\n', ...REQ },
    appmode: 'python-bokeh',
    entrypoint: 'app.py',
  },
  {
    name: 'Panel (imports Bokeh too)',
    files: { 'app.py': 'import panel as pn\nfrom bokeh.models import Div\n', ...REQ },
    appmode: 'python-panel',
    entrypoint: 'app.py',
  },
  {
    name: 'Gradio',
    files: { 'app.py': 'import gradio as gr\ndemo = gr.Interface(fn=str, inputs="text", outputs="text")\n', ...REQ },
    appmode: 'python-gradio',
    entrypoint: 'app.py',
  },
  {
    name: 'a chosen Python file among others',
    files: { 'app.py': 'import streamlit as st\n', 'api.py': 'from fastapi import FastAPI\napp = FastAPI()\n', ...REQ },
    file: 'api.py',
    appmode: 'python-fastapi',
    entrypoint: 'api:app',
  },
  {
    name: 'Node.js (package.json main)',
    files: { 'package.json': '{"main": "server.js"}', 'server.js': 'require("http")' },
    appmode: 'nodejs',
    entrypoint: 'server.js',
    needs: { python: false, r: false },
  },
  {
    name: 'Quarto wins over a stray index.html',
    files: { '_quarto.yml': 'project:\n  type: default\n', 'index.qmd': '# x\n', 'index.html': '<p>old render</p>' },
    appmode: 'quarto-static',
    entrypoint: 'index.qmd',
  },
];

describe('publish: content detection', () => {
  after(removeProjects);

  for (const c of CASES) {
    it(`${c.name} → ${c.appmode} (${c.entrypoint})`, async () => {
      const dir = makeProject(c.files);
      const d = await detectContent(dir, c.file ? { file: path.join(dir, c.file) } : {});
      assert.ok(d, 'detected');
      assert.equal(d.appmode, c.appmode);
      assert.equal(d.entrypoint, c.entrypoint);
      if (c.needs?.python !== undefined) assert.equal(d.needsPython, c.needs.python, 'needs Python');
      if (c.needs?.r !== undefined) assert.equal(d.needsR, c.needs.r, 'needs R');
      if (c.needs?.quarto !== undefined) assert.equal(d.needsQuarto, c.needs.quarto, 'needs Quarto');
      for (const [k, v] of Object.entries(c.extra ?? {}))
        assert.deepEqual((d as unknown as Record<string, unknown>)[k], v, k);
    });
  }

  it('says nothing for a project it cannot tell (the caller asks)', async () => {
    const dir = makeProject({ 'notes.txt': 'hello', 'data.csv': 'a,b', 'util.py': 'def f(): pass\n' });
    assert.equal(await detectContent(dir), undefined);
  });

  it('the person can override the app mode and entrypoint', async () => {
    const dir = makeProject({ 'app.py': 'import streamlit as st\n', 'notebook.ipynb': '{}', ...REQ });
    const d = await detectContent(dir, { override: { appmode: 'jupyter-voila', entrypoint: 'notebook.ipynb' } });
    assert.equal(d?.appmode, 'jupyter-voila');
    assert.equal(d?.entrypoint, 'notebook.ipynb');
    assert.equal(d?.needsPython, true);
  });

  it('an override of the app mode alone keeps the detected entrypoint', async () => {
    const dir = makeProject({ 'app.py': 'from flask import Flask\napp = Flask(__name__)\n', ...REQ });
    const d = await detectContent(dir, { override: { appmode: 'python-fastapi' } });
    assert.equal(d?.appmode, 'python-fastapi');
    assert.equal(d?.entrypoint, 'app:app');
    assert.equal(d?.entrypointFile, 'app.py');
  });

  it('uses the folder name as the title when the document has none', async () => {
    const dir = makeProject({ 'index.html': '<p>x</p>' }, 'quarterly-report');
    assert.equal((await detectContent(dir))?.title, 'quarterly-report');
  });
});
