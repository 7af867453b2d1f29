from lcel.parsers import CommaSeparatedListOutputParser

x: str = CommaSeparatedListOutputParser().invoke("a,b")  # E: [assignment]
