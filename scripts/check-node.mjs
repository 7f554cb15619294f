// Runs before npm start/test on whatever node npm found: fails clearly when it is not Node 24+
// (npm falls back to the system Node silently when the `node` package's install script was skipped).
const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  console.error(`minsheng needs Node.js 24 or newer, but npm ran Node ${process.versions.node}. ` +
    'Run `npm install` (it installs Node 24 as the `node` package; allow its install script), then try again.');
  process.exit(1);
}
