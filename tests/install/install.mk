# tests/install/install.mk: the installed tool. Included by the top Makefile, which defines
# GRADC, the install rule and deps-test.
#
#   make check-install   make install into a temporary prefix (and a DESTDIR-staged one), run the
#                        installed gradc from elsewhere, build docs/examples/cmake/ against it from a
#                        folder outside the checkout (find_package(gradc), gradc_add_model, training
#                        and a WEIGHTS build), check what is regenerated when, and make uninstall

.PHONY: check-install

check-install: $(GRADC)
	@sh tests/install/check.sh "$(MAKE) -f $(abspath $(firstword $(MAKEFILE_LIST)))"
