// Browsers come from Debian (chromium), never downloaded at install time: this machine has no network for it.
module.exports = { skipDownload: true };
