# Reference fits for tests/analysis/test_mixed.py, produced with R's lme4 (not with our code).
# Run from tests/analysis:  Rscript results/lme4_growth.R
# Writes data/dietox_geepack.csv (geepack's dietox, unchanged) and results/lme4_growth.csv.
suppressPackageStartupMessages({ library(lme4); library(geepack) })
data(dietox)
write.csv(dietox, "data/dietox_geepack.csv", row.names = FALSE)
sleep <- read.csv("data/sleepstudy.csv", colClasses = c(Subject = "factor"))
# unbalanced: every third subject (by number) loses days 6-9
sleep_unbal <- subset(sleep, !(as.numeric(as.character(Subject)) %% 3 == 0 & Days > 5))
cases <- list(
  sleep_slope_reml = list(Reaction ~ Days + (Days | Subject), sleep, TRUE),
  sleep_slope_ml = list(Reaction ~ Days + (Days | Subject), sleep, FALSE),
  sleep_intercept_reml = list(Reaction ~ Days + (1 | Subject), sleep, TRUE),
  sleep_unbalanced_reml = list(Reaction ~ Days + (Days | Subject), sleep_unbal, TRUE),
  dietox_intercept_reml = list(Weight ~ Time + (1 | Pig), dietox, TRUE),
  dietox_slope_reml = list(Weight ~ Time + (Time | Pig), dietox, TRUE),
  dietox_slope_ml = list(Weight ~ Time + (Time | Pig), dietox, FALSE),
  dietox_covariates_reml = list(Weight ~ Time + Evit + Cu + (Time | Pig), dietox, TRUE)
)
ctrl <- lmerControl(optimizer = "bobyqa", optCtrl = list(rhoend = 1e-12, maxfun = 1e5))
rows <- list()
add <- function(case, term, value) rows[[length(rows) + 1]] <<- data.frame(
  case = case, term = term, value = format(value, digits = 15))
for (name in names(cases)) {
  spec <- cases[[name]]
  fit <- lmer(spec[[1]], data = spec[[2]], REML = spec[[3]], control = ctrl)
  fe <- fixef(fit); se <- sqrt(diag(as.matrix(vcov(fit))))
  for (t in names(fe)) { add(name, t, fe[[t]]); add(name, paste0("se:", t), se[[t]]) }
  vc <- VarCorr(fit)[[1]]
  add(name, "var:intercept", vc[1, 1])
  if (nrow(vc) == 2) { add(name, "cov", vc[1, 2]); add(name, "var:slope", vc[2, 2]) }
  add(name, "var:residual", sigma(fit)^2)
  add(name, "logLik", as.numeric(logLik(fit)))
}
write.csv(do.call(rbind, rows), "results/lme4_growth.csv", row.names = FALSE)
cat(R.version.string, "; lme4", format(packageVersion("lme4")), "\n")
