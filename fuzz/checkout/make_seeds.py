#!/usr/bin/env python3
# Writes the hand-made seeds of fuzz/checkout/corpus: FuzzedDataProvider reads strings from
# the front of the input and integers from the back, so trees are encoded that way.
# Run from the repository root: python3 fuzz/checkout/make_seeds.py

class Enc:
    def __init__(s): s.front=bytearray(); s.back=[]
    def str(s,x): s.front+=x.replace(b'\\',b'\\\\')+b'\\n'
    def int(s,v,lo,hi): s.back.append(v-lo)
    def data(s): return bytes(s.front)+bytes(reversed(s.back))
def tree(e, entries):
    e.int(len(entries),0,5)
    for kind,name,arg in entries:
        e.int(kind,0,5); e.str(name)
        if kind==3: e.int(arg[0],0,arg[1])
        elif kind==4: e.front+=arg
        else: e.str(arg)
def seed(path, trees):
    e=Enc(); e.int(len(trees),1,5)
    for t in trees: tree(e,t)
    open(path,'wb').write(e.data())
C='fuzz/checkout/corpus/'
# kinds: 0 file, 1 exec, 2 symlink, 3 tree, 4 submodule, 5 mode 100664
seed(C+'dotdot-twice',[[(0,b'x',b'pwned')],[(3,b'..',(1,1))],[(3,b'..',(2,2))]])
seed(C+'slash-and-absolute',[[(0,b'a/b',b'1'),(0,b'/tmp/cellgate-fuzz-abs',b'2'),(1,b'run.sh',b'#!/bin/sh\n')]])
seed(C+'dotgit-and-backslash',[[(0,b'config',b'[core]\n')],[(3,b'.GIT',(1,1)),(0,b'a\\..\\b',b'3'),(0,b'',b'4'),(0,b'.',b'5')]])
seed(C+'symlinks',[[(0,b'f',b'x')],[(3,b'd',(1,1)),(2,b'in',b'd/f'),(2,b'out',b'../../etc/passwd'),(2,b'abs',b'/etc'),(2,b'loop',b'loop')]])
seed(C+'submodule-and-modes',[[(4,b'sub',b'\x11'*20),(5,b'old',b'6'),(1,b'x',b'7')]])
seed(C+'duplicate-names',[[(0,b'f',b'x')],[(2,b'd',b'/tmp'),(3,b'd',(1,1)),(0,b'd',b'y')]])
