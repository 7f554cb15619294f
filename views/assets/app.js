// Small progressive enhancements; the pages work without this file.
// (No inline scripts and no hx-on: the Content-Security-Policy forbids both.)
document.documentElement.classList.add('js');
