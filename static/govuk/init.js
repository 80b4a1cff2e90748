// Starts GOV.UK Frontend's components (error summary focus, notification banners, menus).
import { initAll } from "./govuk-frontend.min.js";

initAll();
