// Sends each case of a JSON list (read from stdin) to `origin` with the official
// @xano/js-sdk, so that tests/tests/official_sdk.rs can compare what it sends with
// what xano-runtime sends for the same inputs. Cases:
//   {"method": "GET"|"POST"|..., "path": "/x", "params": {...}, "files": {"name": {"file_name", "base64"}}}
// Non-2xx answers are expected (the recorder answers 404) and ignored.
import { XanoNodeClient, XanoFile } from "@xano/js-sdk";

const [origin, group] = process.argv.slice(2);
const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const cases = JSON.parse(Buffer.concat(chunks).toString("utf8"));

const xano = new XanoNodeClient({
  apiGroupBaseUrl: `${origin}/${group}`,
  authToken: "sdk-token",
  dataSource: "test",
});

for (const call of cases) {
  const params = { ...(call.params ?? {}) };
  for (const [name, file] of Object.entries(call.files ?? {})) {
    params[name] = new XanoFile(file.file_name, Buffer.from(file.base64, "base64"));
  }
  const method = call.method.toLowerCase();
  try {
    await xano[method](call.path, params);
  } catch (error) {
    if (!error?.getResponse) throw error; // only Xano request errors are expected
  }
}
