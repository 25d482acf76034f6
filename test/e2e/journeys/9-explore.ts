import * as fs from 'node:fs';
import type { Person } from '../harness';
export const env = 'workbench';
export const settings = { 'workbench.startupEditor': 'none', 'workbench.secondarySideBar.defaultVisibility': 'hidden' };
export async function journey(person: Person): Promise<void> {
  const { page } = person;
  const log: string[] = [];
  await person.openSnowflakeView();
  for (const l of ['workbench', 'SALES_DB']) { await person.expand(person.treeItem(l), 30000); await page.waitForTimeout(3000); }
  await person.expand(person.treeItem('PUBLIC'), 30000);
  await page.waitForTimeout(5000);
  log.push('after PUBLIC: ' + (await page.locator('[id="workbench.view.extension.positSnowflake"] .monaco-list-row').allInnerTexts()).join(' | '));
  await person.treeItem('PUBLIC').click(); await page.waitForTimeout(1000);
  await person.treeItem('PUBLIC').click(); await page.waitForTimeout(4000);
  log.push('after collapse+expand: ' + (await page.locator('[id="workbench.view.extension.positSnowflake"] .monaco-list-row').allInnerTexts()).join(' | '));
  await person.screenshot('x');
  fs.writeFileSync('/tmp/tree-explore.txt', log.join('\n'));
}
