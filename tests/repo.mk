# tests/repo.mk: the repository is self-contained. A clone must build, test and train with nothing
# but what it holds, so no tracked file may point at files that live outside it: a design document
# kept next to the project, a sibling folder of data, or an absolute path of the machine it was
# written on. The top Makefile includes this file.
#
#   make check-repo    list every such reference (file:line: text) and fail if there is one
#
# Each pattern is spelled with a bracket expression so that this file does not match itself.

.PHONY: check-repo

REPO_FORBIDDEN := CONTRACT[.]md|[.][.]/shared|shared/(data|seeds|hooks)|/wor[k]/|/hom[e]/|/Users[/]|/roo[t]/

# Tracked files when this is a git checkout (git grep), otherwise (an unpacked archive) every file
# but build products and output. -I skips binary files. grep's status: 0 found, 1 none, 2 trouble.
check-repo:
	@if git rev-parse --is-inside-work-tree > /dev/null 2>&1; then \
	    git grep -n -I -E '$(REPO_FORBIDDEN)' >&2; \
	else \
	    grep -r -n -I -E --exclude-dir=.git --exclude-dir=out --exclude-dir=build \
	        '$(REPO_FORBIDDEN)' . >&2; \
	fi; \
	case $$? in \
	    0) echo "check-repo: the lines above refer to files outside the repository" >&2; exit 1 ;; \
	    1) echo "check-repo: no references to files outside the repository" ;; \
	    *) echo "check-repo: grep failed" >&2; exit 1 ;; \
	esac
