# Writes the kernlab `income` data set (Debian package r-cran-kernlab) as a CSV for mtl4j.
#
#   Rscript --vanilla income_to_csv.R PATH/TO/kernlab/data/income.rda OUT.csv
#
# Called by make-income.sh, which downloads and unpacks the package and moves OUT.csv into place.
# One row per respondent, in the package's order; a header row; factor levels written as their
# text labels; NA written as an empty cell; fields quoted only when they contain a comma or a
# quote; "\n" line ends. Columns: the 14 variables of the package, renamed to lower_snake_case,
# then two derived 0/1 labels:
#   income_50k     1 if INCOME is "[50.000-75.000)" or "[75.000-" (i.e. $50,000 or more), else 0
#   never_married  1 if MARITAL.STATUS is "Single" (never married), else 0; empty if NA
# The script stops if the data does not look as expected (rows, columns, levels).

args <- commandArgs(trailingOnly = TRUE)
if (length(args) != 2) stop("usage: Rscript --vanilla income_to_csv.R income.rda OUT.csv")
rda <- args[[1]]
out <- args[[2]]

env <- new.env()
objects <- load(rda, envir = env)
if (!identical(objects, "income")) stop(rda, ": expected one object `income`, found: ", paste(objects, collapse = ", "))
d <- env$income

expected <- c("INCOME", "SEX", "MARITAL.STATUS", "AGE", "EDUCATION", "OCCUPATION", "AREA",
              "DUAL.INCOMES", "HOUSEHOLD.SIZE", "UNDER18", "HOUSEHOLDER", "HOME.TYPE",
              "ETHNIC.CLASS", "LANGUAGE")
if (!is.data.frame(d) || !identical(names(d), expected)) stop("unexpected columns: ", paste(names(d), collapse = ", "))
if (nrow(d) != 8993L) stop("expected 8993 rows, found ", nrow(d))
if (!all(vapply(d, is.factor, logical(1)))) stop("expected every column to be a factor")

high <- c("[50.000-75.000)", "[75.000-")          # the two brackets from $50,000 upwards
income_levels <- c("-10.000)", "[10.000-15.000)", "[15.000-20.000)", "[20.000-25.000)",
                   "[25.000-30.000)", "[30.000-40.000)", "[40.000-50.000)", high)
if (!identical(levels(d$INCOME), income_levels)) stop("unexpected INCOME levels: ", paste(levels(d$INCOME), collapse = " | "))
if (!("Single" %in% levels(d$MARITAL.STATUS))) stop("MARITAL.STATUS has no level \"Single\"")

income_50k <- ifelse(is.na(d$INCOME), NA_integer_, as.integer(as.character(d$INCOME) %in% high))
never_married <- ifelse(is.na(d$MARITAL.STATUS), NA_integer_,
                        as.integer(as.character(d$MARITAL.STATUS) == "Single"))

snake <- function(x) gsub("[^a-z0-9]+", "_", tolower(x))
cols <- lapply(d, as.character)
names(cols) <- snake(names(d))
cols$income_50k <- as.character(income_50k)
cols$never_married <- as.character(never_married)

field <- function(x) {
  x[is.na(x)] <- ""
  q <- grepl("[\",\r\n]", x)
  x[q] <- paste0("\"", gsub("\"", "\"\"", x[q], fixed = TRUE), "\"")
  x
}
lines <- c(paste(field(names(cols)), collapse = ","),
           do.call(paste, c(lapply(cols, field), sep = ",")))
if (any(grepl("[^ -~]", lines))) stop("non-ASCII or control characters in the output")

con <- file(out, open = "wb")
writeLines(lines, con, sep = "\n", useBytes = TRUE)
close(con)
cat(sprintf("income_to_csv.R: wrote %d rows x %d columns to %s\n", length(lines) - 1L, length(cols), out))
