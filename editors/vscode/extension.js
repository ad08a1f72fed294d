// Starts `vigil lsp` for .vigil files (and Sigma .yml rules). Plain
// JavaScript: no build step; `npm install` fetches the language client.
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const config = vscode.workspace.getConfiguration("vigil");
  const command = config.get("path", "vigil");
  const documentSelector = [{ scheme: "file", language: "vigil" }];
  if (config.get("sigma", true)) {
    documentSelector.push({ scheme: "file", language: "yaml" });
  }
  client = new LanguageClient(
    "vigil",
    "Vigil",
    { command, args: ["lsp"] },
    { documentSelector }
  );
  context.subscriptions.push({ dispose: () => client && client.stop() });
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
