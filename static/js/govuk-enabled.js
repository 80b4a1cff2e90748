// Run first in <body>: GOV.UK Frontend styles its scripted components only when this is set.
document.body.className += " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
