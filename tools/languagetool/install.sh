#!/usr/bin/env bash
# Install LanguageTool's HTTP server (English only) into tools/languagetool/lib/ from Maven
# Central, with the machine's Maven, for the grammar stage. Idempotent: when lib/ already
# holds the jars of the current pom.xml it returns at once and prints nothing.
#
#   bash tools/languagetool/install.sh                  # what `make setup` runs
#   bash tools/languagetool/install.sh -Dmaven.repo.local=/tmp/m2   # extra Maven options
#
# Maven keeps what it downloads in its local repository (~/.m2 by default), so a reinstall
# after `make distclean` works offline: Maven is first tried with -o, and only goes to
# Maven Central when something is missing. Needs Java 17+ and Maven (Debian: openjdk-17-
# jre-headless, maven; both listed in tools/apt-packages.txt).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
lib="$here/lib"
stamp="$lib/.installed"
want="$(sha256sum "$here/pom.xml" | cut -d' ' -f1)"

if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]] && compgen -G "$lib/languagetool-server-*.jar" >/dev/null; then
    exit 0
fi

for tool in java mvn; do
    if ! command -v "$tool" >/dev/null; then
        echo "languagetool: '$tool' not found; install Java 17 and Maven (apt-get install openjdk-17-jre-headless maven)" >&2
        exit 1
    fi
done

echo "languagetool: installing the LanguageTool server jars into $lib (English only, about 80 MB)"
start=$(date +%s)
tmp="$here/target/lib.tmp"  # target/ is gitignored, like lib/
rm -rf "$tmp" && mkdir -p "$here/target"
copy=(-Dstyle.color=never dependency:copy-dependencies -DoutputDirectory="$tmp" -DincludeScope=runtime)
if ! mvn -q -B -o -f "$here/pom.xml" "$@" "${copy[@]}" >/dev/null 2>&1; then
    echo "languagetool: not all jars are in Maven's local repository; downloading from Maven Central"
    rm -rf "$tmp"
    mvn -q -B -f "$here/pom.xml" "$@" "${copy[@]}"
fi
echo "$want" >"$tmp/.installed"
rm -rf "$lib"
mv "$tmp" "$lib"
echo "languagetool: $(ls "$lib"/*.jar | wc -l) jars, $(du -sh "$lib" | cut -f1), in $(($(date +%s) - start)) s"
